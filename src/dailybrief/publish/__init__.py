"""Publishing an edition: the archive site, e-mail, chat webhooks and the WeChat Official Account.

`base` holds the contract (`Publisher`, `Edition`, `Part`, `Sent`), `registry` the channel types
by name (entry-point group `dailybrief.publishers`), `deliver` the loop that sends each part once,
`editions` where an edition's files and page are. docs/publishing.md describes how to add a channel.
"""
