"""MkDocs hooks crisiskit adds to every site it builds (listed after the project's own ``hooks``).

``on_env`` gives the theme's Jinja environment the compiled templates the engine's fork server
made once (engine_preload.TEMPLATES), so a worker does not compile Material's hundred-odd
templates again for every site: for a small site that compiling was most of the engine's time.
Compiled code is used only for the same template file, the same source (Jinja checks its
checksum) and an environment configured the same way; anything else is compiled as usual.
"""

from __future__ import annotations

from typing import Any


def on_env(env: Any, config: Any, files: Any) -> Any:
    from crisiskit.publish.engine_preload import TEMPLATES

    env.bytecode_cache = TEMPLATES
    return env
