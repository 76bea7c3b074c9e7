//! A render budget for tera templates (the instructions and the theme's): the loops of one
//! render may run `range()` over at most [`ITERATIONS`] numbers in all, and its output may be
//! at most a given size. Nested `range(end=100000)` loops or a loop that writes megabytes end
//! in an error with the line, instead of taking the machine.

use std::cell::Cell;
use std::io::Write;

/// Numbers `range()` may produce in one render, over all its calls.
pub const ITERATIONS: u64 = 100_000;

thread_local! {
    /// What the render on this thread may still produce; a render runs on the calling thread.
    static LEFT: Cell<u64> = const { Cell::new(ITERATIONS) };
}

/// Registers the budgeted `range()` in place of tera's own.
pub fn install(tera: &mut tera::Tera) {
    tera.register_function("range", range);
}

/// Renders `name` with the budget: `cap` bytes of output at most.
pub fn render(
    tera: &tera::Tera,
    name: &str,
    context: &tera::Context,
    cap: usize,
) -> Result<String, tera::Error> {
    LEFT.with(|left| left.set(ITERATIONS));
    let mut out = Capped {
        bytes: Vec::new(),
        cap,
    };
    match tera.render_to(name, context, &mut out) {
        Ok(()) => Ok(String::from_utf8_lossy(&out.bytes).into_owned()),
        Err(_) if out.bytes.len() >= cap => Err(tera::Error::message(format!(
            "it renders to more than {} KiB; a loop writes too much",
            cap / 1024
        ))),
        Err(e) => Err(e),
    }
}

struct Capped {
    bytes: Vec<u8>,
    cap: usize,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.cap {
            self.bytes
                .extend_from_slice(&buf[..self.cap - self.bytes.len()]);
            return Err(std::io::Error::other("the render budget is spent"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// tera's `range(start=0, end, step_by=1)`, counted against the budget.
fn range(kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<Vec<i128>> {
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message("`range` was called with `step_by=0`"));
    }
    let span = if step > 0 {
        end.saturating_sub(start)
    } else {
        start.saturating_sub(end)
    };
    let len = if span <= 0 {
        0
    } else {
        (span.saturating_add(step.abs() - 1) / step.abs()) as u64
    };
    let left = LEFT.with(Cell::get);
    if len > left {
        return Err(tera::Error::message(format!(
            "the loops of this template would run more than {ITERATIONS} times in all; instructions need far fewer"
        )));
    }
    LEFT.with(|l| l.set(left - len));
    let mut values = Vec::with_capacity(len as usize);
    let mut value = start;
    for _ in 0..len {
        values.push(value);
        value += step;
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(text: &str) -> Result<String, tera::Error> {
        let mut tera = tera::Tera::new();
        install(&mut tera);
        tera.add_raw_template("t", text)?;
        render(&tera, "t", &tera::Context::new(), 1 << 20)
    }

    #[test]
    fn small_loops_run_and_nested_huge_ones_stop() {
        assert_eq!(
            filled("{% for i in range(end=3) %}{{ i }}{% endfor %}").unwrap(),
            "012"
        );
        assert_eq!(
            filled("{% for i in range(start=5, end=0, step_by=-2) %}{{ i }}{% endfor %}").unwrap(),
            "531"
        );
        let nested = "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}";
        let started = std::time::Instant::now();
        assert!(filled(nested).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let wide = "{% for i in range(end=90000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}";
        let e = filled(wide).unwrap_err();
        assert!(
            e.to_string().contains("renders to more than 1024 KiB"),
            "{e}"
        );
    }
}
