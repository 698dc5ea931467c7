"""Test harness: a local HTTP server, headless Chromium with axe-core, and the Nu HTML validator.

- `tests.support.browser`: `serve_directory`, `Browser` (axe, screenshots, JS, overflow checks).
- `tests.support.vnu`: `validate_html` over many files in one Java run.

Paths to the npm-installed tools (`node_modules/`) are resolved from the repository root;
`scripts/test.sh` installs them with `npm ci`.
"""
