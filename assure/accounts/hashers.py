from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idOWASPHasher(Argon2PasswordHasher):
    """argon2id at OWASP's minimum: 19 MiB of memory, 2 passes, 1 lane.

    Django's default (100 MiB, p=8) costs ~130 ms a sign-in on two cores;
    this costs ~20 ms and stays within OWASP's recommendation. It keeps the
    "argon2" algorithm name: hashes made with other parameters are upgraded
    at the next sign-in (must_update compares the parameters).
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
