//! Reading and checking a ledger: any bytes give diagnostics, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mobileid_kit::fuzz::ledger(data);
});
