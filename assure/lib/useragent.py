"""An approximate device description from a User-Agent header, for members."""

BROWSERS = [  # order matters: Edge and Opera also say "Chrome", Chrome says "Safari"
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
]
SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("CrOS", "Chromebook"),
    ("Linux", "Linux"),
]


def describe(user_agent):
    """'Firefox sur Windows', 'Chrome sur Android', or 'Appareil inconnu'."""
    browser = next((name for token, name in BROWSERS if token in user_agent), None)
    system = next((name for token, name in SYSTEMS if token in user_agent), None)
    if browser and system:
        return f"{browser} sur {system}"
    return browser or system or "Appareil inconnu"
