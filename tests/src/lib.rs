//! Independent peers that the tests check our code against, written from
//! their definitions rather than from our code. The end-to-end helpers live
//! in tests/tests/e2e.

pub mod verhoeff;
