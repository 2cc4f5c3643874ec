//! Tests of the settings: sources, precedence and refusals.
use super::*;

fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect::<Vec<_>>()
        .into_iter()
}

#[test]
fn flag_beats_env_beats_file_beats_default() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openlocker.toml");
    std::fs::write(
        &file,
        "bind = \"127.0.0.1:1\"\nsession_hours = 3\nkey_grace_hours = 5\n",
    )
    .unwrap();
    let s = Settings::load(
        Some(&file),
        env(&[("OPENLOCKER_BIND", "127.0.0.1:2"), ("OPENLOCKER_SESSION_HOURS", "4")]),
        &[("bind", "127.0.0.1:3".into())],
    )
    .unwrap();
    assert_eq!(s.bind, "127.0.0.1:3");
    assert_eq!(s.session_hours, 4);
    assert_eq!(s.key_grace_hours, 5);
    assert_eq!(s.ts_window_minutes, 30);
    assert_eq!(s.public_url(), "http://127.0.0.1:3");
}

#[test]
fn unknown_keys_are_refused() {
    let err = Settings::load(None, env(&[("OPENLOCKER_NO_SUCH", "1")]), &[]).unwrap_err();
    assert!(err.to_string().contains("no_such"), "{err}");
}

#[test]
fn the_shipped_example_parses() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openlocker.example.toml");
    let s = Settings::load(Some(&example), env(&[]), &[]).unwrap();
    assert_eq!(s.import_schedule, Settings::default().import_schedule);
}

#[test]
fn the_database_url_comes_from_the_setting_or_its_file_and_never_shows() {
    let dir = tempfile::tempdir().unwrap();
    let defaults = Settings::load(None, env(&[("OPENLOCKER_DATA_DIR", "/srv/ol")]), &[]).unwrap();
    assert_eq!(defaults.database_url().unwrap(), "sqlite:///srv/ol/openlocker.db");
    let url = "postgres://app:pw-4711@db:5432/locker";
    let from_env = Settings::load(None, env(&[("OPENLOCKER_DATABASE_URL", url)]), &[]).unwrap();
    assert_eq!(from_env.database_url().unwrap(), url);
    assert!(!format!("{from_env:?}").contains("pw-4711"), "Debug redacts it");
    let file = dir.path().join("url");
    std::fs::write(&file, format!("{url}\n")).unwrap();
    let file_env = [("OPENLOCKER_DATABASE_URL_FILE", file.to_str().unwrap())];
    let from_file = Settings::load(None, env(&file_env), &[]).unwrap();
    assert_eq!(from_file.database_url().unwrap(), url);
    let flag = [("database_url", url.to_owned())];
    let both = Settings::load(None, env(&file_env), &flag).unwrap();
    assert!(both.database_url().unwrap_err().to_string().contains("not both"));
}
