"""Distances on the Earth, for the searches that find what is near a point.

Positions are decimal degrees (WGS 84); distances are kilometres on a sphere
of the Earth's mean radius, which is within 0.5 % of the ellipsoid: plenty
for "the nearest doctor".
"""

import math

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180  # along a meridian


def haversine_km(latitude1, longitude1, latitude2, longitude2):
    """Great-circle distance in km between two points given in decimal degrees."""
    phi1, phi2 = math.radians(latitude1), math.radians(latitude2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(longitude2 - longitude1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
