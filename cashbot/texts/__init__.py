"""Everything a bot user reads, in one folder, one module per flow.

Written in Russian, which is also each text's msgid: a module's constants are marked with
`N_` and resolve in the current language on every read (cashbot/i18n.py; the English is in
cashbot/locales/en). docs/architecture.md "Languages" says how to add a text.
"""
