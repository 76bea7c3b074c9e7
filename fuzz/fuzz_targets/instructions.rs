//! Filling and rendering instructions: any text renders or gives an E008, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mobileid_kit::fuzz::instructions(data);
});
