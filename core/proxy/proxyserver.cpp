#include "proxy/proxyserver.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <QPointer>
#include <QThread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth/tokensigner.h"
#include "domain/serviceerror.h"
#include "net/epolldispatcher.h"
#include "proxy/jobhandoff.h"
#include "proxy/jobrequest.h"
#include "proxy/proxyshared.h"
#include "proxy/proxyworker.h"
#include "proxy/routecircuit.h"
#include "proxy/routestats.h"
#include "proxy/upstreamfailure.h"

namespace ServeDeck {

namespace {

QString systemError(const char *what)
{
    return QString::fromLatin1(what) % QStringLiteral(": ") % QString::fromLocal8Bit(std::strerror(errno));
}

// A listening socket made by hand rather than by QTcpServer::listen(), so that every worker can
// accept on it. The port is taken exclusively: one socket, bound once, without SO_REUSEPORT
// (which would let any other process of the same user bind the same port and be handed a share
// of the connections, bearer tokens included, and would hide a "port busy" error). Each worker
// watches its own duplicate of the descriptor; the kernel hands each connection to the one
// whose accept() comes first.
int openListeningSocket(const QHostAddress &address, quint16 port, QString *error)
{
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_INET;
    bool dualStack = false;
    if (address == QHostAddress::Any || address.protocol() == QAbstractSocket::IPv6Protocol) {
        family = AF_INET6;
        dualStack = address == QHostAddress::Any;
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        if (!dualStack) {
            const Q_IPV6ADDR bytes = address.toIPv6Address();
            std::memcpy(&in6->sin6_addr, &bytes, sizeof(bytes));
            in6->sin6_scope_id = address.scopeId().toUInt();
        }
        length = sizeof(sockaddr_in6);
    } else if (address.protocol() == QAbstractSocket::IPv4Protocol) {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    } else {
        *error = QStringLiteral("cannot listen on '%1': not an IP address").arg(address.toString());
        return -1;
    }

    const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *error = systemError("socket");
        return -1;
    }
    const int on = 1;
    const int off = 0;
    // SO_REUSEADDR: rebinding a port with connections in TIME_WAIT, as QTcpServer does on Unix.
    bool ok = ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == 0;
    if (ok && dualStack)
        ok = ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) == 0;
    if (!ok) {
        *error = systemError("setsockopt");
    } else if (::bind(fd, reinterpret_cast<const sockaddr *>(&storage), length) != 0) {
        *error = QStringLiteral("cannot listen on %1:%2: ").arg(address.toString()).arg(port)
            % QString::fromLocal8Bit(std::strerror(errno));
        ok = false;
    } else if (::listen(fd, SOMAXCONN) != 0) {
        *error = systemError("listen");
        ok = false;
    }
    if (!ok) {
        ::close(fd);
        return -1;
    }
    return fd;
}

quint16 localPort(int fd)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof(storage);
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return 0;
    if (storage.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6 *>(&storage)->sin6_port);
    return ntohs(reinterpret_cast<const sockaddr_in *>(&storage)->sin_port);
}

QByteArray labelValue(const QString &text)
{
    QByteArray value = text.toUtf8();
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return value;
}

void appendDouble(QByteArray &out, double value)
{
    out.append(QByteArray::number(value, 'g', 12));
}

// One labelled series of a Prometheus histogram: cumulative buckets over kLatencyBucketBounds
// and +Inf, then _sum and _count.
void appendHistogram(QByteArray &out, const char *name, const QByteArray &labels, const QList<quint64> &buckets,
                     double sumSeconds)
{
    for (qsizetype i = 0; i < buckets.size(); ++i) {
        out.append(name).append("_bucket{").append(labels).append(",le=\"");
        if (i < qsizetype(kLatencyBucketBounds.size()))
            appendDouble(out, kLatencyBucketBounds[std::size_t(i)]);
        else
            out.append("+Inf");
        out.append("\"} ");
        ProxyHttp::appendNumber(out, qint64(buckets[i]));
        out.append('\n');
    }
    out.append(name).append("_sum{").append(labels).append("} ");
    appendDouble(out, sumSeconds);
    out.append('\n').append(name).append("_count{").append(labels).append("} ");
    ProxyHttp::appendNumber(out, qint64(buckets.isEmpty() ? 0 : buckets.last()));
    out.append('\n');
}

// The report timer looks again at least this often: the window is measured on the proxy's
// clock, which need not move with the timer's (a test moves a manual one).
constexpr qint64 kReportRecheckMs = 250;

// A worker's bit in RouteCircuit::waitingWorkers.
constexpr int kMaxWorkers = 64;

} // namespace

struct ProxyServer::Worker
{
    QThread thread;
    ProxyWorker *worker = nullptr;  // lives in thread; deleted when thread finishes
    int socket = -1;                // until the worker has taken it
};

ProxyServer::ProxyServer(Options options, std::shared_ptr<const TokenSigner> signer, QObject *parent)
    : QObject(parent)
    , m_shared(std::make_unique<ProxyShared>())
{
    m_shared->options = options;
    m_shared->signer = std::move(signer);
    m_shared->server = this;
    if (options.clock)
        m_shared->clock = options.clock.get();
    m_reportTimer.setSingleShot(true);
    m_reportTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_reportTimer, &QTimer::timeout, this, &ProxyServer::flushErrorReports);
}

ProxyServer::~ProxyServer()
{
    stopWorkers();
}

bool ProxyServer::listen(const QHostAddress &address, quint16 port)
{
    if (!m_workers.empty()) {
        m_errorString = QStringLiteral("already listening on port %1").arg(m_port);
        return false;
    }
    const int count = std::clamp(m_shared->options.workerThreads, 1, kMaxWorkers);

    // One bound socket; each worker gets its own descriptor of it (closing one leaves the
    // others listening until the last is closed).
    const int listening = openListeningSocket(address, port, &m_errorString);
    if (listening < 0)
        return false;
    const quint16 bound = localPort(listening);
    std::vector<int> sockets{listening};
    for (int i = 1; i < count; ++i) {
        const int fd = ::fcntl(listening, F_DUPFD_CLOEXEC, 0);
        if (fd < 0) {
            m_errorString = systemError("fcntl(F_DUPFD_CLOEXEC)");
            for (const int open : sockets)
                ::close(open);
            return false;
        }
        sockets.push_back(fd);
    }

    // The lists are complete before any worker runs: /metrics, answered on a worker, reads this
    // one, and a worker posts to another through the shared one.
    m_shared->workers.clear();
    for (int i = 0; i < count; ++i) {
        auto worker = std::make_unique<Worker>();
        worker->socket = sockets[std::size_t(i)];
        worker->worker = new ProxyWorker(*m_shared, i);
        m_shared->workers.push_back(worker->worker);
        worker->thread.setObjectName(QStringLiteral("proxy-worker-%1").arg(i));
        // epoll, not Qt's poll()-based dispatchers: see EpollDispatcher.
        worker->thread.setEventDispatcher(new EpollDispatcher);
        worker->worker->moveToThread(&worker->thread);
        // Deleted in its own thread, after its event loop has ended; OpenSSL's state for the
        // thread (it verified tokens) goes there too, before the thread is joined.
        connect(&worker->thread, &QThread::finished, worker->worker, &QObject::deleteLater);
        connect(&worker->thread, &QThread::finished, this, &TokenSigner::releaseThreadState, Qt::DirectConnection);
        m_workers.push_back(std::move(worker));
    }
    for (const std::unique_ptr<Worker> &worker : m_workers) {
        worker->thread.start();
        ProxyWorker *proxyWorker = worker->worker;
        const int fd = std::exchange(worker->socket, -1);
        bool started = false;
        QString error;
        QMetaObject::invokeMethod(
            proxyWorker, [proxyWorker, fd, &started, &error] { started = proxyWorker->start(fd, &error); },
            Qt::BlockingQueuedConnection);
        if (!started) {
            ::close(fd);
            m_errorString = error;
            stopWorkers();
            return false;
        }
    }
    m_port = bound;
    return true;
}

void ProxyServer::stopWorkers()
{
    // All stop before any is deleted: a worker answering /metrics reads every worker's counters.
    for (const std::unique_ptr<Worker> &worker : m_workers) {
        if (worker->thread.isRunning()) {
            ProxyWorker *proxyWorker = worker->worker;
            QMetaObject::invokeMethod(proxyWorker, [proxyWorker] { proxyWorker->stop(); },
                                      Qt::BlockingQueuedConnection);
        }
    }
    for (const std::unique_ptr<Worker> &worker : m_workers) {
        if (worker->socket >= 0)
            ::close(worker->socket);
        if (worker->thread.isRunning()) {
            worker->thread.quit();
            worker->thread.wait();
        } else {
            delete worker->worker;  // never started: its thread never ran, so nothing else can touch it
        }
    }
    m_workers.clear();
    m_shared->workers.clear();
    m_port = 0;
}

quint16 ProxyServer::serverPort() const
{
    return m_port;
}

QString ProxyServer::errorString() const
{
    return m_errorString;
}

void ProxyServer::publish(std::shared_ptr<const RoutingSnapshot> snapshot)
{
    if (snapshot)
        m_shared->circuits.retain(*snapshot);
    m_shared->snapshot.store(std::move(snapshot), std::memory_order_release);
    m_shared->generation.fetch_add(1);
    // Held requests look again at once rather than at their next event (see ProxyWorker::hold()
    // for why a request held at this very moment is not missed).
    for (const std::unique_ptr<Worker> &worker : m_workers) {
        ProxyWorker *proxyWorker = worker->worker;
        if (proxyWorker->heldCount() > 0)
            QMetaObject::invokeMethod(proxyWorker, [proxyWorker] { proxyWorker->retryHeld(); }, Qt::QueuedConnection);
    }
}

void ProxyServer::setUpstreamErrorHandler(std::function<void(const UpstreamErrorReport &)> handler)
{
    m_upstreamErrorHandler = std::move(handler);
}

void ProxyServer::setWakeHandler(std::function<void(const QUuid &)> handler)
{
    m_wakeHandler = std::move(handler);
    m_shared->wakeEnabled.store(bool(m_wakeHandler));
}

void ProxyServer::setJobHandler(ProxyJobHandler handler)
{
    m_jobHandler = std::move(handler);
    m_shared->jobsEnabled.store(bool(m_jobHandler));
}

void ProxyServer::runJobCall(int workerIndex, quint64 ticket, ProxyJobCall call, std::shared_ptr<JobHandoffSlot> slot)
{
    if (!m_jobHandler) {  // taken away since the worker looked
        slot->release();
        ProxyJobReply reply;
        reply.response = JobRequest::queueFull(QStringLiteral("this proxy takes no jobs now"));
        deliverJobReply(workerIndex, ticket, std::move(reply));
        return;
    }
    const QPointer<ProxyServer> self(this);
    m_jobHandler(std::move(call), [self, workerIndex, ticket, slot](ProxyJobReply reply) {
        if (!slot->release())
            return;  // a second reply to one call
        if (self)
            self->deliverJobReply(workerIndex, ticket, std::move(reply));
    });
}

void ProxyServer::deliverJobReply(int workerIndex, quint64 ticket, ProxyJobReply reply)
{
    // Workers are stopped and deleted on this thread only (stopWorkers), so one listed here and
    // running is there to take the event; it drops the reply when the client is gone.
    if (workerIndex < 0 || std::size_t(workerIndex) >= m_workers.size())
        return;
    const std::unique_ptr<Worker> &worker = m_workers[std::size_t(workerIndex)];
    if (!worker->thread.isRunning())
        return;
    ProxyWorker *proxyWorker = worker->worker;
    QMetaObject::invokeMethod(
        proxyWorker, [proxyWorker, ticket, reply = std::move(reply)] { proxyWorker->jobs().replied(ticket, reply); },
        Qt::QueuedConnection);
}

void ProxyServer::wakeRequested(const QUuid &endpointId)
{
    if (m_wakeHandler)
        m_wakeHandler(endpointId);
}

void ProxyServer::takeUpstreamErrors(const std::shared_ptr<RouteCircuit> &circuit)
{
    UpstreamErrorReport report;
    {
        const std::lock_guard lock(circuit->reportMutex);
        RouteCircuit::Unreported &u = circuit->unreported;
        report.count = std::exchange(u.count, 0);
        report.failure = u.failure;
        report.type = upstreamFailureName(u.failure);
        report.status = upstreamFailureStatus(u.failure);
        report.message = u.message;
        report.endpointName = u.endpointName;
        report.modelVersion = u.modelVersion;
        u.queued = false;
    }
    if (report.count == 0)
        return;
    report.endpointId = circuit->endpointId;
    report.routeId = circuit->routeId;

    // The first report of a quiet route goes out at once; the ones within the window after it
    // are summed and go out when it ends (flushErrorReports), so a route reports at most once
    // per window and every failure is in exactly one report.
    ReportThrottle &throttle = m_throttle[report.routeId];
    if (throttle.waiting) {
        report.count += throttle.waiting->count;
        throttle.waiting.reset();
    }
    const qint64 now = m_shared->nowMs();
    const qint64 window = m_shared->options.errorReportWindowMs;
    if (throttle.lastReportMs < 0 || now - throttle.lastReportMs >= window) {
        throttle.lastReportMs = now;
        if (m_upstreamErrorHandler)
            m_upstreamErrorHandler(report);
    } else {
        throttle.waiting = std::move(report);
    }
    flushErrorReports();
}

void ProxyServer::flushErrorReports()
{
    const qint64 now = m_shared->nowMs();
    const qint64 window = m_shared->options.errorReportWindowMs;
    qint64 nextDue = -1;
    std::vector<UpstreamErrorReport> due;
    for (auto it = m_throttle.begin(); it != m_throttle.end();) {
        ReportThrottle &throttle = it.value();
        const qint64 dueAt = throttle.lastReportMs + window;
        if (throttle.waiting && now >= dueAt) {
            due.push_back(std::move(*throttle.waiting));
            throttle.waiting.reset();
            throttle.lastReportMs = now;
        } else if (!throttle.waiting && now >= dueAt) {
            it = m_throttle.erase(it);  // quiet for a whole window: the next failure reports at once
            continue;
        }
        const qint64 next = throttle.lastReportMs + window;
        if (nextDue < 0 || next < nextDue)
            nextDue = next;
        ++it;
    }
    if (nextDue >= 0)
        m_reportTimer.start(int(std::clamp<qint64>(nextDue - now, 0, std::min<qint64>(window, kReportRecheckMs))));
    else
        m_reportTimer.stop();
    // Last: a handler may publish, or record errors, re-entering this object.
    if (m_upstreamErrorHandler) {
        for (const UpstreamErrorReport &report : due)
            m_upstreamErrorHandler(report);
    }
}

void ProxyServer::checkDeadlinesNow()
{
    for (const std::unique_ptr<Worker> &worker : m_workers) {
        if (!worker->thread.isRunning())
            continue;
        ProxyWorker *proxyWorker = worker->worker;
        QMetaObject::invokeMethod(proxyWorker, [proxyWorker] { proxyWorker->sweep(); }, Qt::BlockingQueuedConnection);
    }
    flushErrorReports();
}

QString ProxyServer::circuitStateName(CircuitState state)
{
    return state == CircuitState::Ejected ? QStringLiteral("ejected") : QStringLiteral("closed");
}

QHash<QUuid, ProxyServer::RouteCircuitStatus> ProxyServer::routeCircuits() const
{
    const qint64 now = m_shared->nowNs();
    QHash<QUuid, RouteCircuitStatus> out;
    for (const std::shared_ptr<RouteCircuit> &circuit : m_shared->circuits.routes()) {
        RouteCircuitStatus status;
        status.endpointId = circuit->endpointId;
        const qint64 until = circuit->ejectedUntilNs.load(std::memory_order_relaxed);
        if (until != 0 && until > now) {
            status.state = CircuitState::Ejected;
            status.ejectedForMs = (until - now + 999999) / 1000000;
        }
        status.timesEjected = circuit->timesEjected.load(std::memory_order_relaxed);
        status.consecutiveFailures = circuit->consecutiveFailures.load(std::memory_order_relaxed);
        status.connections = circuit->connections.load(std::memory_order_relaxed);
        status.pending = circuit->pending.load(std::memory_order_relaxed);
        status.ejections = circuit->ejections.load(std::memory_order_relaxed);
        status.overflows = circuit->overflows.load(std::memory_order_relaxed);
        out.insert(circuit->routeId, status);
    }
    return out;
}

QHash<QUuid, ProxyServer::ShadowCounters> ProxyServer::shadowCounters() const
{
    QHash<QUuid, ProxyWorker::ShadowSample> samples;
    for (const std::unique_ptr<Worker> &worker : m_workers)
        worker->worker->collectShadows(samples);
    QHash<QUuid, ShadowCounters> out;
    out.reserve(samples.size());
    for (auto it = samples.cbegin(); it != samples.cend(); ++it)
        out.insert(it.key(), it.value().counters);
    return out;
}

std::shared_ptr<const RoutingSnapshot> ProxyServer::snapshot() const
{
    return m_shared->snapshot.load(std::memory_order_acquire);
}

QList<double> ProxyServer::latencyBucketBounds()
{
    return QList<double>(kLatencyBucketBounds.begin(), kLatencyBucketBounds.end());
}

QHash<QUuid, ProxyServer::RouteCounters> ProxyServer::routeCounters() const
{
    QHash<QUuid, ProxyWorker::RouteSample> samples;
    for (const std::unique_ptr<Worker> &worker : m_workers)
        worker->worker->collect(samples);
    QHash<QUuid, RouteCounters> counters;
    counters.reserve(samples.size());
    for (auto it = samples.cbegin(); it != samples.cend(); ++it)
        counters.insert(it.key(), it.value().counters);
    return counters;
}

QByteArray ProxyServer::metricsText() const
{
    QHash<QUuid, ProxyWorker::RouteSample> samples;
    for (const std::unique_ptr<Worker> &worker : m_workers)
        worker->worker->collect(samples);
    // Published routes without traffic yet still get their series, at zero.
    const std::shared_ptr<const RoutingSnapshot> current = snapshot();
    if (current) {
        for (const EndpointTable &table : current->endpoints) {
            for (const RouteTarget &target : table.routes) {
                ProxyWorker::RouteSample &sample = samples[target.routeId];
                if (sample.endpointName.isEmpty()) {
                    sample.endpointName = table.name;
                    sample.modelVersion = target.modelVersion;
                }
                if (sample.counters.latencyBuckets.isEmpty())
                    sample.counters.latencyBuckets.resize(qsizetype(kLatencyBucketBounds.size()) + 1, 0);
                if (sample.counters.ttftBuckets.isEmpty())
                    sample.counters.ttftBuckets.resize(qsizetype(kLatencyBucketBounds.size()) + 1, 0);
            }
        }
    }

    struct Series
    {
        QByteArray labels;  // endpoint="..",route="..",revision=".."
        const ProxyWorker::RouteSample *sample;
        QUuid routeId;
    };
    std::vector<Series> series;
    series.reserve(std::size_t(samples.size()));
    for (auto it = samples.cbegin(); it != samples.cend(); ++it) {
        const QByteArray labels = "endpoint=\"" + labelValue(it.value().endpointName) + "\",route=\""
            + it.key().toByteArray(QUuid::WithoutBraces) + "\",revision=\"" + labelValue(it.value().modelVersion) + '"';
        series.push_back({labels, &it.value(), it.key()});
    }
    std::sort(series.begin(), series.end(), [](const Series &a, const Series &b) { return a.labels < b.labels; });

    QByteArray out;
    out.reserve(1024 + qsizetype(series.size()) * 2048);
    const auto family = [&out](const char *name, const char *type, const char *help) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ')
            .append(type).append('\n');
    };
    const auto counter = [&out, &series](const char *name, quint64 RouteCounters::*field) {
        for (const Series &s : series) {
            out.append(name).append('{').append(s.labels).append("} ");
            ProxyHttp::appendNumber(out, qint64(s.sample->counters.*field));
            out.append('\n');
        }
    };

    family("servedeck_proxy_route_requests_total", "counter", "Requests forwarded to a route.");
    counter("servedeck_proxy_route_requests_total", &RouteCounters::requests);
    family("servedeck_proxy_route_errors_total", "counter",
           "Requests to a route that failed: upstream 5xx, or no valid answer (502/504).");
    counter("servedeck_proxy_route_errors_total", &RouteCounters::errors);
    family("servedeck_proxy_route_in_flight", "gauge", "Requests to a route awaiting their answer.");
    counter("servedeck_proxy_route_in_flight", &RouteCounters::inFlight);

    family("servedeck_proxy_route_request_duration_seconds", "histogram",
           "Time from forwarding a request to the end of its answer.");
    for (const Series &s : series)
        appendHistogram(out, "servedeck_proxy_route_request_duration_seconds", s.labels, s.sample->counters.latencyBuckets,
                        s.sample->counters.latencySumSeconds);

    // OpenAI-style answers (CompletionMeter): time to first token, tokens generated.
    family("servedeck_proxy_route_time_to_first_token_seconds", "histogram",
           "Time from forwarding a request to the first token of its event-stream answer.");
    for (const Series &s : series)
        appendHistogram(out, "servedeck_proxy_route_time_to_first_token_seconds", s.labels, s.sample->counters.ttftBuckets,
                        s.sample->counters.ttftSumSeconds);
    family("servedeck_proxy_route_generated_tokens_total", "counter",
           "Tokens in OpenAI-style answers: content deltas of a stream (or its usage), usage of a JSON answer.");
    counter("servedeck_proxy_route_generated_tokens_total", &RouteCounters::tokens);
    family("servedeck_proxy_route_decode_seconds_total", "counter",
           "Time tokens per second are measured over: a stream's from its first token to its end, a JSON answer's whole.");
    for (const Series &s : series) {
        out.append("servedeck_proxy_route_decode_seconds_total{").append(s.labels).append("} ");
        appendDouble(out, s.sample->counters.decodeSeconds);
        out.append('\n');
    }
    family("servedeck_proxy_route_decode_tokens_total", "counter",
           "Tokens generated over servedeck_proxy_route_decode_seconds_total (a stream's first token is not counted).");
    counter("servedeck_proxy_route_decode_tokens_total", &RouteCounters::decodeTokens);

    // The circuit breaker, per route (the same labels).
    const QHash<QUuid, RouteCircuitStatus> circuits = routeCircuits();
    const auto circuitSeries = [&out, &series, &circuits](const char *name, const auto &value) {
        for (const Series &s : series) {
            out.append(name).append('{').append(s.labels).append("} ");
            ProxyHttp::appendNumber(out, qint64(value(circuits.value(s.routeId))));
            out.append('\n');
        }
    };
    family("servedeck_proxy_route_ejected", "gauge",
           "1 while outlier detection has ejected the route (its circuit is open), 0 while it is closed.");
    circuitSeries("servedeck_proxy_route_ejected",
                  [](const RouteCircuitStatus &c) { return c.state == CircuitState::Ejected ? 1 : 0; });
    family("servedeck_proxy_route_ejections_total", "counter", "Times outlier detection ejected the route.");
    circuitSeries("servedeck_proxy_route_ejections_total", [](const RouteCircuitStatus &c) { return c.ejections; });
    family("servedeck_proxy_route_upstream_connections", "gauge", "Open connections to the route's upstream, every worker.");
    circuitSeries("servedeck_proxy_route_upstream_connections", [](const RouteCircuitStatus &c) { return c.connections; });
    family("servedeck_proxy_route_pending_requests", "gauge", "Requests waiting for a connection to the route.");
    circuitSeries("servedeck_proxy_route_pending_requests", [](const RouteCircuitStatus &c) { return c.pending; });
    family("servedeck_proxy_route_circuit_open_total", "counter",
           "Requests to the route refused with 503 CircuitOpen: pending requests full, or no connection came free.");
    circuitSeries("servedeck_proxy_route_circuit_open_total", [](const RouteCircuitStatus &c) { return c.overflows; });

    // Shadow traffic, per endpoint.
    QHash<QUuid, ProxyWorker::ShadowSample> shadowSamples;
    for (const std::unique_ptr<Worker> &worker : m_workers)
        worker->worker->collectShadows(shadowSamples);
    std::vector<std::pair<QByteArray, const ProxyWorker::ShadowSample *>> shadows;
    for (auto it = shadowSamples.cbegin(); it != shadowSamples.cend(); ++it)
        shadows.emplace_back("endpoint=\"" + labelValue(it.value().endpointName) + '"', &it.value());
    std::sort(shadows.begin(), shadows.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    const auto shadowCounter = [&out, &shadows](const char *name, quint64 ShadowCounters::*field) {
        for (const auto &[labels, sample] : shadows) {
            out.append(name).append('{').append(labels).append("} ");
            ProxyHttp::appendNumber(out, qint64(sample->counters.*field));
            out.append('\n');
        }
    };
    family("servedeck_proxy_shadow_requests_total", "counter", "Copies of requests sent to shadow revisions.");
    shadowCounter("servedeck_proxy_shadow_requests_total", &ShadowCounters::requests);
    family("servedeck_proxy_shadow_errors_total", "counter",
           "Shadow copies without a valid answer (refused, reset, timed out) or answered with a 5xx.");
    shadowCounter("servedeck_proxy_shadow_errors_total", &ShadowCounters::errors);
    family("servedeck_proxy_shadow_dropped_total", "counter",
           "Shadow copies not sent: too many in flight, or no shadow route could take one.");
    shadowCounter("servedeck_proxy_shadow_dropped_total", &ShadowCounters::dropped);
    family("servedeck_proxy_shadow_comparisons_total", "counter", "Shadow answers compared with the primary's.");
    shadowCounter("servedeck_proxy_shadow_comparisons_total", &ShadowCounters::comparisons);
    family("servedeck_proxy_shadow_mismatches_total", "counter",
           "Shadow answers that differed from the primary's in status or body.");
    shadowCounter("servedeck_proxy_shadow_mismatches_total", &ShadowCounters::mismatches);
    family("servedeck_proxy_shadow_request_duration_seconds", "histogram", "Time from sending a shadow copy to its answer.");
    for (const auto &[labels, sample] : shadows)
        appendHistogram(out, "servedeck_proxy_shadow_request_duration_seconds", labels, sample->counters.latencyBuckets,
                        sample->counters.latencySumSeconds);

    quint64 held = 0;
    quint64 wakes = 0;
    for (const std::shared_ptr<EndpointCircuit> &endpoint : m_shared->circuits.endpoints()) {
        held += quint64(std::max(0, endpoint->held.load(std::memory_order_relaxed)));
        wakes += endpoint->wakes.load(std::memory_order_relaxed);
    }
    family("servedeck_proxy_held_requests", "gauge", "Requests held while a scaled-to-zero endpoint wakes.");
    out.append("servedeck_proxy_held_requests ");
    ProxyHttp::appendNumber(out, qint64(held));
    out.append('\n');
    family("servedeck_proxy_wakes_total", "counter", "Times a request asked a scaled-to-zero endpoint to wake.");
    out.append("servedeck_proxy_wakes_total ");
    ProxyHttp::appendNumber(out, qint64(wakes));
    out.append('\n');

    quint64 requests = 0;
    quint64 connections = 0;
    quint64 rejected[std::size_t(RejectReason::Count)] = {};
    for (const std::unique_ptr<Worker> &worker : m_workers) {
        requests += worker->worker->requestsTotal();
        connections += worker->worker->openConnections();
        for (std::size_t r = 0; r < std::size_t(RejectReason::Count); ++r)
            rejected[r] += worker->worker->rejected(RejectReason(r));
    }
    family("servedeck_proxy_requests_total", "counter", "Requests received, including those the proxy answered itself.");
    out.append("servedeck_proxy_requests_total ");
    ProxyHttp::appendNumber(out, qint64(requests));
    out.append('\n');
    family("servedeck_proxy_rejected_total", "counter", "Requests the proxy answered with an error itself, by reason.");
    for (std::size_t r = 0; r < std::size_t(RejectReason::Count); ++r) {
        out.append("servedeck_proxy_rejected_total{reason=\"").append(rejectReasonName(RejectReason(r))).append("\"} ");
        ProxyHttp::appendNumber(out, qint64(rejected[r]));
        out.append('\n');
    }
    family("servedeck_proxy_job_handoffs", "gauge",
           "Job submissions and lookups handed to the job queue and awaiting its reply.");
    out.append("servedeck_proxy_job_handoffs ");
    ProxyHttp::appendNumber(out, qint64(std::max(0, m_shared->jobHandoffs->load(std::memory_order_relaxed))));
    out.append('\n');
    family("servedeck_proxy_open_connections", "gauge", "Client connections open now.");
    out.append("servedeck_proxy_open_connections ");
    ProxyHttp::appendNumber(out, qint64(connections));
    out.append('\n');
    family("servedeck_proxy_snapshot_version", "gauge", "Version of the routing snapshot in use.");
    out.append("servedeck_proxy_snapshot_version ");
    ProxyHttp::appendNumber(out, current ? qint64(current->version) : 0);
    out.append('\n');
    family("servedeck_proxy_worker_threads", "gauge", "Threads serving proxy traffic.");
    out.append("servedeck_proxy_worker_threads ");
    ProxyHttp::appendNumber(out, qint64(m_workers.size()));
    out.append('\n');
    return out;
}

} // namespace ServeDeck
