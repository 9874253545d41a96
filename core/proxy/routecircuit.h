#pragma once

#include <atomic>
#include <mutex>

#include <QString>
#include <QUuid>

#include "proxy/upstreamfailure.h"

namespace ServeDeck {

// The circuit-breaker state of one route that every worker shares: its upstream connections and
// the requests waiting for one (Istio's connectionPool), its run of failures and its ejection
// (outlierDetection), and the failures not yet reported to the control thread.
//
// Why the counting holds across workers without a lock: every limit is enforced by a
// compare-and-swap that only succeeds while the count is below the limit (tryAcquire), so no
// interleaving of workers ever takes the count past it, and every slot taken is given back
// exactly once by whoever took it. An ejection begins with a compare-and-swap of ejectedUntil
// from 0 and ends with one back to 0, so of several workers that see the same run of failures
// (or the same expiry) exactly one ejects (or frees the endpoint's ejection slot). The waiting
// handshake is described at pending below. Reads for /metrics are relaxed: a sample, not a
// snapshot of every counter at one instant.
class RouteCircuit
{
public:
    RouteCircuit(QUuid routeId, QUuid endpointId);

    const QUuid routeId;
    const QUuid endpointId;

    // Takes a slot when counter < limit; never past it, whatever the other workers do.
    static bool tryAcquire(std::atomic<int> &counter, int limit);

    // Upstream connections, connecting, busy or idle, over every worker. A slot is taken before
    // a socket is opened (tryAcquire) and given back when the connection ends.
    std::atomic<int> connections{0};
    // Requests waiting for a connection, over every worker. A worker that queues one adds to it
    // and sets its bit in waitingWorkers, then tries once more for a connection; a worker whose
    // connection ends gives its slot back, then reads pending and waitingWorkers. All four are
    // sequentially consistent, so at least one of the two sees the other: either the waiter's
    // retry finds the free slot, or the closer tells the waiter's worker to look again.
    std::atomic<int> pending{0};
    std::atomic<quint64> waitingWorkers{0};  // bit i: worker i has requests waiting for this route

    // Outlier detection. Times are ns on the proxy's shared clock; 0: not ejected.
    std::atomic<int> consecutiveFailures{0};
    std::atomic<qint64> ejectedUntilNs{0};
    std::atomic<int> timesEjected{0};

    bool isEjected(qint64 nowNs) const
    {
        const qint64 until = ejectedUntilNs.load(std::memory_order_acquire);
        return until != 0 && until > nowNs;
    }
    // Ends an ejection whose time is up; true for the one caller that ended it (and so must
    // give the endpoint's ejection slot back).
    bool endExpiredEjection(qint64 nowNs);
    // Ends an ejection, expired or not (the route left the snapshot); true as above.
    bool endEjection();

    // Totals, for /metrics and the control thread.
    std::atomic<quint64> ejections{0};
    std::atomic<quint64> overflows{0};  // requests refused with 503 CircuitOpen on this route

    // Upstream failures (502/504) not yet handed to the control thread; see ProxyServer's
    // upstream error handler. Only failures take the lock.
    struct Unreported
    {
        quint64 count = 0;
        UpstreamFailure failure = UpstreamFailure::ConnectFailed;  // the latest one's
        QString message;
        QString endpointName;
        QString modelVersion;
        bool queued = false;  // a call to the control thread is on its way
    };
    std::mutex reportMutex;
    Unreported unreported;
};

// The state of one endpoint that every worker shares.
struct EndpointCircuit
{
    explicit EndpointCircuit(QUuid id)
        : endpointId(id)
    {
    }

    const QUuid endpointId;
    std::atomic<int> ejected{0};         // routes ejected now; slots taken with RouteCircuit::tryAcquire
    std::atomic<int> shadowInFlight{0};  // shadow copies awaiting their answer
    std::atomic<int> held{0};            // requests held while the endpoint wakes from zero
    std::atomic<qint64> wakeAskedNs{0};  // when the wake handler was last asked; 0: not since the last route
    std::atomic<quint64> wakes{0};
};

} // namespace ServeDeck
