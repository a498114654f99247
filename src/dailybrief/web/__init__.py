"""The newsroom web app (`dailybrief serve`): archive, search, story browser, review, sources
and builds, server-rendered with Jinja2 on Starlette/FastAPI. Handlers parse the request, call
the application layer (`dailybrief.app`) and render a template; see docs/web.md."""
