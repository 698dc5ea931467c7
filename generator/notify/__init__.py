"""Notifications: what changed on the public page, sent once to chat, webhooks and email.

``events`` derives events from the model (pure); ``messages`` turns one event into one
message per channel type; ``ledger`` remembers what each channel got; ``send`` delivers;
``run`` ties them together for the CLI.
"""
