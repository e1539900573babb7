//! Coverage of the numbers written in answers: `check` counts them, `--deny-unchecked` makes
//! an unchecked one an error at its line.

mod support;

use std::process::{Command, Output};
use support::Fixture;

const ANSWER: &str = "# Q6

```rust,compute
let total = 41 * 2;
publish!(total);
```

{{#question 6 points=1}}

Combien de paramètres ?

{{#answer}}

La couche compte WRITTEN paramètres (voir la figure 6, publiée en {{#n 2024}}).

{{#/answer}}
";

fn check(book: &Fixture, deny: bool) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_coursebook"));
    command
        .arg("check")
        .arg(&book.root)
        .env_remove("GITHUB_ACTIONS");
    if deny {
        command.arg("--deny-unchecked");
    }
    command.output().expect("coursebook runs")
}

#[test]
fn a_bare_82_fails_under_deny_unchecked_and_the_same_number_in_a_check_passes() {
    let bare = Fixture::chapter("coverage-bare", &ANSWER.replace("WRITTEN", "82"));
    let plain = check(&bare, false);
    let stderr = String::from_utf8_lossy(&plain.stderr);
    assert!(
        plain.status.success(),
        "coverage alone does not fail: {stderr}"
    );
    assert!(
        stderr.contains("0 of 1 numbers in answers are checked"),
        "{stderr}"
    );

    let denied = check(&bare, true);
    let stderr = String::from_utf8_lossy(&denied.stderr);
    assert!(!denied.status.success(), "{stderr}");
    assert!(
        stderr.contains("this number of an answer is not checked"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--> src/ch.md:14:18"),
        "at its file:line:column: {stderr}"
    );
    assert!(stderr.contains("written: 82"), "{stderr}");

    let checked = Fixture::chapter(
        "coverage-checked",
        &ANSWER.replace("WRITTEN", "{{#check total = 82}}"),
    );
    let passed = check(&checked, true);
    let stderr = String::from_utf8_lossy(&passed.stderr);
    assert!(passed.status.success(), "{stderr}");
    assert!(
        stderr.contains("1 of 1 numbers in answers are checked"),
        "{stderr}"
    );
}
