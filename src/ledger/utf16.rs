//! UTF-16 with a byte order mark, what a spreadsheet's "Unicode Text" saves: read as UTF-8
//! on the way in, and written back as UTF-16 by an append.

use std::io::Read;

/// The UTF-16 form a file's first bytes announce, if any.
pub fn bom(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    match head {
        [0xFF, 0xFE, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// `input` as UTF-8: decoded when it starts with a UTF-16 byte order mark, else as it is.
pub fn utf8_stream<'a, R: Read + 'a>(mut input: R) -> std::io::Result<Box<dyn Read + 'a>> {
    let mut head = Vec::with_capacity(2);
    (&mut input).take(2).read_to_end(&mut head)?;
    let whole = std::io::Cursor::new(head.clone()).chain(input);
    Ok(match bom(&head) {
        Some(encoding) => Box::new(Utf16Reader {
            inner: whole,
            decoder: encoding.new_decoder_with_bom_removal(),
            input: vec![0; 1 << 16],
            start: 0,
            end: 0,
            eof: false,
            done: false,
            held: Vec::new(),
            held_at: 0,
        }),
        None => Box::new(whole),
    })
}

/// Whole bytes as UTF-8 text, decoding UTF-16; `None` for bytes without a UTF-16 mark.
pub fn decode_whole(bytes: &[u8]) -> Option<(String, &'static encoding_rs::Encoding)> {
    let encoding = bom(bytes)?;
    let (text, _) = encoding.decode_with_bom_removal(bytes);
    Some((text.into_owned(), encoding))
}

/// UTF-8 text in UTF-16 of the given byte order.
pub fn encode(text: &str, encoding: &'static encoding_rs::Encoding) -> Vec<u8> {
    let big = encoding == encoding_rs::UTF_16BE;
    text.encode_utf16()
        .flat_map(|unit| {
            if big {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            }
        })
        .collect()
}

struct Utf16Reader<R: Read> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// The decoder has been given the end of input and flushed: it may not be used again.
    done: bool,
    /// Decoded bytes a tiny read could not take yet.
    held: Vec<u8>,
    held_at: usize,
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        // A UTF-8 character is at most 4 bytes: when `out` is smaller, decode into a small
        // buffer and hand it out over as many reads as it takes.
        if self.held_at < self.held.len() {
            let n = (self.held.len() - self.held_at).min(out.len());
            out[..n].copy_from_slice(&self.held[self.held_at..self.held_at + n]);
            self.held_at += n;
            return Ok(n);
        }
        if out.len() < 4 {
            let mut buf = [0u8; 4];
            let n = self.read(&mut buf[..])?;
            if n == 0 {
                return Ok(0);
            }
            self.held = buf[..n].to_vec();
            self.held_at = 0;
            return self.read(out);
        }
        loop {
            if self.done {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = self.inner.read(&mut self.input)?;
                self.eof = self.end == 0;
            }
            let (result, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.input[self.start..self.end], out, self.eof);
            self.start += read;
            if self.eof && result == encoding_rs::CoderResult::InputEmpty {
                self.done = true;
            }
            if written > 0 || self.eof {
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_reads_as_utf8_and_writes_back() {
        let text = "date,event\r\n2026-03-01,créé ✓\r\n";
        for encoding in [encoding_rs::UTF_16LE, encoding_rs::UTF_16BE] {
            let mut bytes = if encoding == encoding_rs::UTF_16LE {
                vec![0xFF, 0xFE]
            } else {
                vec![0xFE, 0xFF]
            };
            bytes.extend(encode(text, encoding));
            let mut read = String::new();
            utf8_stream(bytes.as_slice())
                .unwrap()
                .read_to_string(&mut read)
                .unwrap();
            assert_eq!(read, text);
            assert_eq!(decode_whole(&bytes).unwrap().0, text);
        }
        // Read one byte at a time: no byte of a character is lost.
        let text = "Müller;Łódź;Ελλάδα;Київ\n".repeat(5000);
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(encode(&text, encoding_rs::UTF_16LE));
        let mut reader = utf8_stream(bytes.as_slice()).unwrap();
        let (mut read, mut byte) = (Vec::new(), [0u8; 1]);
        while reader.read(&mut byte).unwrap() == 1 {
            read.push(byte[0]);
        }
        assert_eq!(String::from_utf8(read).unwrap(), text);
        let mut plain = String::new();
        utf8_stream("a,b".as_bytes())
            .unwrap()
            .read_to_string(&mut plain)
            .unwrap();
        assert_eq!(plain, "a,b");
    }
}
