"""Following RSS, Atom and JSON feeds: feeds.toml → polite fetches → article files → an incremental rebuild.

`config` reads feeds.toml, `fetch` is the one place that speaks HTTP (httpx, robots.txt with
protego), `parse` turns feed documents into items (feedparser), `articles` turns an item into a
file the folder reader accepts, `state` remembers validators and failures between rounds, and
`follow` runs one round. It sits on the write side: it feeds the articles folder and calls the
rebuild; the read side never imports it.
"""
