//! Shared helpers live in tests/tests/e2e; this library is empty.
