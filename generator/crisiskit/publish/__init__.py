"""Publishing: staging each site, building it with the engine, scanning it for leaks, switching it live."""
