"""The knowledge service's routes, one module per resource; each module has the routers it
needs (``api`` under ``/api/admin/``, ``pages`` under ``/admin/``, ``router`` for the public
routes), assembled by ``actions.web.app.create_app``."""
