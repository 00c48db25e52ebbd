"""returnkit application core: domain, policy engine, services and the CLI."""
