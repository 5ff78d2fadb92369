"""How the app is deployed on several servers: the nginx configuration and the launcher of scripts/scale-out."""
