"""Running a check in several threads at once, for the tests of thread safety."""
import threading


def errors_in_threads(work, n=6):
    """Run ``work(k)`` for ``k`` in ``range(n)``, each in its own thread, all at
    once; the exceptions they raised (an empty list when none did)."""
    errors = []

    def run(k):
        try:
            work(k)
        except Exception as e:   # collected for the caller's assertion
            errors.append(e)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
