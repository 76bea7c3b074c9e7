//! Loading and checking `project.toml`: any bytes give a config or diagnostics, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mobileid_kit::fuzz::project_toml(data);
});
