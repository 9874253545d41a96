#include "proxy/clientconnection.h"

#include <algorithm>
#include <utility>


#include "domain/serviceerror.h"
#include "proxy/frontdoor.h"
#include "proxy/jobrequest.h"
#include "proxy/proxyworker.h"
#include "proxy/routebinding.h"
#include "proxy/routecircuit.h"
#include "proxy/shadowexchange.h"

namespace ServeDeck {

namespace {

using ProxyHttp::equalsIgnoringCase;

RejectReason rejectReasonOf(UpstreamFailure failure)
{
    return failure == UpstreamFailure::TimedOut ? RejectReason::Timeout : RejectReason::UpstreamError;
}

// X-ServeDeck-Shadow goes upstream, X-ServeDeck-Route and friends come back: none is a client's.
bool isServeDeckHeader(QByteArrayView name)
{
    constexpr QByteArrayView prefix = "x-servedeck-";
    return name.size() >= prefix.size() && equalsIgnoringCase(name.first(prefix.size()), prefix);
}

bool hasBodySemantics(QByteArrayView method)
{
    return method == "POST" || method == "PUT" || method == "PATCH";
}

} // namespace

ClientConnection::ClientConnection(ProxyWorker *worker, int descriptor, const QHostAddress &peer)
    : HttpConnection(descriptor, worker)
    , m_worker(worker)
{
    // Token allow-lists and X-Forwarded-For speak IPv4 for IPv4 clients of a dual-stack socket.
    m_peer = peer;
    bool isV4 = false;
    const quint32 v4 = m_peer.toIPv4Address(&isV4);
    if (isV4 && m_peer.protocol() != QAbstractSocket::IPv4Protocol)
        m_peer = QHostAddress(v4);
    m_peerText = m_peer.toString().toLatin1();
    m_out.reserve(512);
    touch();
}

ClientConnection::~ClientConnection() = default;

qint64 ClientConnection::nowMs() const
{
    return m_worker->nowMs();
}

int ClientConnection::idleTimeoutMs() const
{
    return m_worker->options().idleTimeoutMs;
}

int ClientConnection::headTimeoutMs() const
{
    return m_worker->options().headTimeoutMs;
}

HttpRequestReader::Limits ClientConnection::readLimits() const
{
    const ProxyServer::Options &options = m_worker->options();
    return {options.maxHeaderBytes, options.maxBodyBytes};
}

int ClientConnection::httpMinor() const
{
    return request().httpMajor == 1 ? request().httpMinor : 1;
}

bool ClientConnection::splitTarget(QByteArrayView *path, QByteArrayView *query) const
{
    const QByteArrayView url = request().target;
    if (url.startsWith('/')) {  // origin-form, what nearly every client sends
        const auto mark = std::find(url.begin(), url.end(), '?');
        *path = url.first(mark - url.begin());
        *query = url.sliced(path->size());
        return true;
    }
    // absolute-form (http://host/path?query), which clients send to proxies they know as such.
    QByteArrayView rawQuery;
    if (!HttpRequestReader::parseTarget(url, false, path, &rawQuery) || path->isNull())
        return false;
    *query = rawQuery.isNull() ? QByteArrayView() : QByteArrayView(rawQuery.data() - 1, rawQuery.size() + 1);  // with its '?'
    return path->startsWith('/');
}

bool ClientConnection::handleRequest()
{
    route(false);
    return true;
}

bool ClientConnection::acceptHead(const HttpRequestReader::Message &head)
{
    // Only a request with a body has anything to refuse early; the rest is checked in route().
    if (!head.hasBodyFraming)
        return true;
    QByteArrayView path;
    QByteArrayView query;
    if (head.method == "CONNECT" || !splitTarget(&path, &query))
        return true;  // route() refuses it
    std::optional<LocalResponse> refusal = m_worker->refuseAtHead(path, head.headers, m_peer);
    if (!refusal)
        return true;
    answer(*refusal, false);  // its body unread, the connection carries nothing more
    return false;
}

void ClientConnection::retryHeld()
{
    if (state() == State::Busy && m_held)
        route(true);
}

void ClientConnection::route(bool again)
{
    // Bytes after an upgrade request belong to a protocol we do not speak.
    const HttpRequestReader::Message &message = request();
    const bool keepAlive = message.keepAlive && !message.upgrade;
    const QByteArrayView method = message.method;

    QByteArrayView path;
    QByteArrayView query;
    if (method == "CONNECT" || !splitTarget(&path, &query)) {
        m_worker->reject(RejectReason::BadRequest);
        if (!answer(ProxyHttp::errorResponse(400, errorTypeName(ErrorType::InvalidArgument),
                                             QStringLiteral("invalid request target")),
                    false)) {
            beginClose();
        }
        return;
    }

    // Jobs only with a handler: without one, the preference is ignored (RFC 7240 lets a server)
    // and /_jobs is no endpoint's. A held request was no job the first time either.
    if (!again && m_worker->jobsEnabled()
        && (JobRequest::isJobsPath(path) || JobRequest::prefersRespondAsync(message.headers))) {
        takeJob(path, query, keepAlive);
        return;
    }

    QByteArray rewrittenBody;
    const FrontDoor::Call call = FrontDoor::callOf(path);
    ProxyWorker::Dispatch dispatch = call == FrontDoor::Call::None
        ? m_worker->dispatch(method, path, message.headers, m_peer, again)
        : m_worker->frontDoor(call, method, path, message.body, message.headers, m_peer, again, &rewrittenBody);
    if (dispatch.hold) {
        if (again)
            return;  // still no route: it waits on, until its deadline
        if (std::optional<LocalResponse> refusal = m_worker->hold(this, dispatch.endpoint, dispatch.endpointName)) {
            if (!answer(*refusal, keepAlive))
                beginClose();
            return;
        }
        setState(State::Busy);
        m_held = true;
        m_heldFor = std::move(dispatch.endpoint);
        m_heldName = std::move(dispatch.endpointName);
        m_holdDeadline = m_worker->nowMs() + m_worker->options().wakeTimeoutMs;
        return;
    }
    if (again) {
        m_worker->unhold(this, *m_heldFor);
        m_heldFor.reset();
        m_held = false;
        setState(State::Reading);
    }
    if (dispatch.answer) {
        const bool kept = answer(*dispatch.answer, keepAlive);
        if (again)
            resume(kept);  // not inside drain(): carry on reading here
        else if (!kept)
            beginClose();
        return;
    }

    m_exchange = Exchange();
    m_exchange.route = std::move(dispatch.route);
    const QByteArray &body = rewrittenBody.isNull() ? message.body : rewrittenBody;
    m_exchange.request = upstreamRequest(*m_exchange.route, dispatch.isPublic, dispatch.rest, query, body);
    if (!dispatch.shadows.empty()) {
        for (const std::shared_ptr<const RouteBinding> &shadow : dispatch.shadows)
            m_exchange.shadowRequests.push_back(upstreamRequest(*shadow, dispatch.isPublic, dispatch.rest, query, body, true));
        m_exchange.shadows = std::move(dispatch.shadows);
        m_exchange.shadowStats = std::move(dispatch.shadowStats);
        m_exchange.endpoint = std::move(dispatch.endpoint);
    }
    m_exchange.headRequest = method == "HEAD";
    m_exchange.keepAlive = keepAlive;
    m_exchange.completionCall = method == "POST" && CompletionMeter::isCompletionPath(dispatch.rest);
    setState(State::Busy);
    // The body now lives in the upstream request; drop it unless it is small enough to keep.
    reader().dropLargeBody();
    attempt(true);
}

void ClientConnection::takeJob(QByteArrayView path, QByteArrayView query, bool keepAlive)
{
    const HttpRequestReader::Message &message = request();
    const auto refuse = [this, keepAlive](const LocalResponse &response) {
        if (!answer(response, keepAlive))
            beginClose();
    };
    ProxyJobCall call;
    m_jobCancelAfterCheck = false;  // whatever an earlier call on this connection left
    if (JobRequest::isJobsPath(path)) {
        m_worker->countRequest();
        LocalResponse refusal;
        std::optional<JobRequest::Lookup> lookup = JobRequest::parseLookup(message.method, path, &refusal);
        if (!lookup) {
            m_worker->reject(refusal.status == 405 ? RejectReason::BadRequest : RejectReason::NoRoute);
            refuse(refusal);
            return;
        }
        // A cancel acts, so the caller is checked before it: first the job is read (a Status
        // call) and its endpoint's token check applied; only then is the Cancel handed off.
        m_jobCancelAfterCheck = lookup->kind == ProxyJobCall::Kind::Cancel;
        call.kind = m_jobCancelAfterCheck ? ProxyJobCall::Kind::Status : lookup->kind;
        call.jobId = std::move(lookup->jobId);
    } else {
        // Checked as a forwarded request would be (the endpoint, its token and address; the body's
        // size was bounded as it was read), then taken whole.
        ProxyWorker::JobIntake intake;
        QByteArray rewrittenBody;
        const FrontDoor::Call door = FrontDoor::callOf(path);
        const ProxyWorker::Dispatch dispatch = door == FrontDoor::Call::None
            ? m_worker->dispatch(message.method, path, message.headers, m_peer, false, &intake)
            : m_worker->frontDoor(door, message.method, path, message.body, message.headers, m_peer, false,
                                  &rewrittenBody, &intake);
        if (dispatch.answer) {
            refuse(*dispatch.answer);
            return;
        }
        LocalResponse refusal;
        if (!JobRequest::idempotencyKey(message.headers, &call.idempotencyKey, &refusal)) {
            m_worker->reject(RejectReason::BadRequest);
            refuse(refusal);
            return;
        }
        call.kind = ProxyJobCall::Kind::Submit;
        call.endpointId = intake.endpointId;
        call.submittedBy = std::move(intake.submittedBy);
        call.method = message.method;
        call.path.reserve(dispatch.rest.size() + query.size() + 1);
        if (dispatch.rest.isEmpty())
            call.path.append('/');
        call.path.append(dispatch.rest).append(query);
        call.headers = JobRequest::submittedHeaders(message.headers);
        call.body = rewrittenBody.isNull() ? message.body : rewrittenBody;
    }
    call.peer = m_peer;
    const ProxyJobCall::Kind kind = call.kind;
    QString jobId = call.jobId;
    quint64 ticket = 0;
    if (std::optional<LocalResponse> refusal = m_worker->jobs().start(this, std::move(call), &ticket)) {
        refuse(*refusal);
        return;
    }
    setState(State::Busy);
    m_jobTicket = ticket;
    m_jobKind = kind;
    m_jobId = std::move(jobId);
    m_jobKeepAlive = keepAlive;
    m_jobDeadline = m_worker->nowMs() + m_worker->options().jobHandoffTimeoutMs;
    m_worker->ensureSweeping();
}

void ClientConnection::jobReplied(ProxyJobReply reply)
{
    m_jobTicket = 0;
    // A lookup answers only a caller who could call the job's endpoint; to anyone else the job
    // does not exist (404, not 401), so ids of other endpoints' jobs are not disclosed.
    const bool lookup = m_jobKind != ProxyJobCall::Kind::Submit;
    const bool allowed = !lookup || reply.endpointId.isNull()
        || m_worker->mayReadJob(reply.endpointId, request().headers, m_peer);
    if (m_jobCancelAfterCheck) {
        m_jobCancelAfterCheck = false;
        if (allowed && !reply.endpointId.isNull() && reply.response.status == 200) {
            startCancel();
            return;
        }
    }
    const LocalResponse response = allowed ? JobRequest::forClient(std::move(reply.response)) : JobRequest::notFound(m_jobId);
    resume(answer(response, m_jobKeepAlive));
}

void ClientConnection::startCancel()
{
    ProxyJobCall call;
    call.kind = ProxyJobCall::Kind::Cancel;
    call.jobId = m_jobId;
    call.peer = m_peer;
    quint64 ticket = 0;
    if (std::optional<LocalResponse> refusal = m_worker->jobs().start(this, std::move(call), &ticket)) {
        resume(answer(*refusal, m_jobKeepAlive));
        return;
    }
    m_jobTicket = ticket;
    m_jobKind = ProxyJobCall::Kind::Cancel;
    m_jobDeadline = m_worker->nowMs() + m_worker->options().jobHandoffTimeoutMs;
    m_worker->ensureSweeping();
}

QByteArray ClientConnection::upstreamRequest(const RouteBinding &route, bool isPublic, QByteArrayView rest,
                                             QByteArrayView query, const QByteArray &body, bool shadow) const
{
    const HttpRequestReader::Message &message = request();
    const QByteArray &method = message.method;
    const QList<QByteArray> options = ProxyHttp::connectionOptions(message.headers);

    QByteArray out;
    out.reserve(256 + message.target.size() + message.headers.size() * 48 + body.size());
    out.append(method).append(' ');
    if (rest.isEmpty())
        out.append('/');
    out.append(rest).append(query).append(" HTTP/1.1\r\nHost: ").append(route.authority).append("\r\n");

    QByteArrayView originalHost;
    for (const auto &[name, value] : message.headers) {
        if (ProxyHttp::isHopByHop(name) || ProxyHttp::containsIgnoringCase(options, name))
            continue;
        if (equalsIgnoringCase(name, "host")) {
            originalHost = value;
            continue;
        }
        // The body is re-framed with a Content-Length, and 100-continue was answered here.
        if (equalsIgnoringCase(name, "content-length") || equalsIgnoringCase(name, "expect"))
            continue;
        // The X-Forwarded-* values below are the proxy's alone: a client's own copies would let
        // it pose as another address, host or scheme; X-ServeDeck-* are the proxy's to set.
        if (equalsIgnoringCase(name, "x-forwarded-for") || equalsIgnoringCase(name, "x-forwarded-host")
            || equalsIgnoringCase(name, "x-forwarded-proto") || isServeDeckHeader(name)) {
            continue;
        }
        // A private endpoint's token authenticates the caller to ServeDeck; replicas never
        // need it, and one that logs headers must not collect credentials.
        if (!isPublic && equalsIgnoringCase(name, "authorization"))
            continue;
        out.append(name).append(": ").append(value).append("\r\n");
    }
    out.append("X-Forwarded-For: ").append(m_peerText).append("\r\n");
    if (!originalHost.isEmpty())
        out.append("X-Forwarded-Host: ").append(originalHost).append("\r\n");
    out.append("X-Forwarded-Proto: http\r\n");
    if (shadow)
        out.append("X-ServeDeck-Shadow: 1\r\n");  // its answer goes nowhere; a replica may want to know
    if (!body.isEmpty() || message.hasBodyFraming || hasBodySemantics(method)) {
        out.append("Content-Length: ");
        ProxyHttp::appendNumber(out, body.size());
        out.append("\r\n");
    }
    out.append("\r\n");
    out.append(body);
    return out;
}

void ClientConnection::attempt(bool allowPooled)
{
    ++m_exchange.attempts;
    UpstreamConnection *connection = nullptr;
    bool fresh = false;
    switch (m_worker->acquire(this, *m_exchange.route, allowPooled, &connection, &fresh)) {
    case ProxyWorker::Acquired::Connection:
        useConnection(connection, fresh);
        return;
    case ProxyWorker::Acquired::Queued:
        m_exchange.waiting = true;
        m_exchange.waitStartedMs = m_worker->nowMs();
        return;
    case ProxyWorker::Acquired::Full:
        refuseByCircuit("max_pending_requests",
                        QStringLiteral("route %1 has %2 connections busy and %3 requests waiting for one")
                            .arg(QString::fromLatin1(m_exchange.route->routeIdText))
                            .arg(m_exchange.route->policy.maxConnections)
                            .arg(m_exchange.route->policy.maxPendingRequests),
                        m_exchange.route->policy.maxPendingRequests);
        return;
    }
}

void ClientConnection::useConnection(UpstreamConnection *connection, bool fresh)
{
    const RouteBinding &route = *m_exchange.route;
    m_exchange.waiting = false;
    m_exchange.reused = !fresh;
    m_exchange.upstream = connection;
    m_exchange.connectStartedMs = m_worker->nowMs();
    if (!m_exchange.started) {
        m_exchange.started = true;
        m_exchange.startedNs = m_worker->nowNs();
        route.stats->started();
        startShadows();
    }
    connection->send(this, m_exchange.request, m_exchange.headRequest);
    // Last: a refused connection may report back (upstreamFailed) before connectTo() returns.
    if (fresh)
        connection->connectTo(route.host, route.address, route.port);
}

void ClientConnection::startShadows()
{
    // Sent as the request goes to its route, never before: a request refused here is no copy.
    for (std::size_t i = 0; i < m_exchange.shadows.size(); ++i) {
        auto comparison = std::make_shared<ShadowComparison>(m_exchange.shadowStats);
        m_exchange.comparisons.push_back(comparison);
        m_worker->startShadow(m_exchange.shadows[i], m_exchange.endpoint, comparison, m_exchange.shadowRequests[i],
                              m_exchange.headRequest);
    }
    m_exchange.shadowRequests.clear();
}

void ClientConnection::endComparisons(bool valid)
{
    ShadowComparison::Answer answer;
    answer.valid = valid;
    answer.status = m_exchange.status;
    answer.body = m_exchange.body;
    for (const std::shared_ptr<ShadowComparison> &comparison : std::exchange(m_exchange.comparisons, {}))
        comparison->primaryEnded(answer);
}

void ClientConnection::refuseByCircuit(const char *reason, const QString &message, int limit)
{
    m_worker->reject(RejectReason::CircuitOpen);
    const std::shared_ptr<const RouteBinding> route = m_exchange.route;
    const bool keepAliveWanted = m_exchange.keepAlive;
    m_exchange = Exchange();  // never sent: nothing to count for the route
    LocalResponse response = ProxyHttp::errorResponse(
        503, errorTypeName(ErrorType::CircuitOpen), message,
        {{QStringLiteral("reason"), QString::fromLatin1(reason)},
         {QStringLiteral("route"), QString::fromLatin1(route->routeIdText)},
         {QStringLiteral("limit"), limit}});
    response.headers.emplaceBack(QByteArrayLiteral("X-ServeDeck-Circuit"), QByteArray(reason));
    response.headers.emplaceBack(QByteArrayLiteral("X-ServeDeck-Route"), route->routeIdText);
    response.headers.emplaceBack(QByteArrayLiteral("X-ServeDeck-Revision"), route->revisionText);
    resume(answer(response, keepAliveWanted));
}

void ClientConnection::upstreamHead(const UpstreamConnection::Head &head)
{
    m_exchange.status = head.status;
    m_exchange.headSent = true;
    const RouteBinding &route = *m_exchange.route;
    const QList<QByteArray> options = ProxyHttp::connectionOptions(head.headers);

    m_out.resize(0);
    ProxyHttp::appendStatusLine(m_out, head.status);
    QByteArrayView contentType;
    for (const auto &[name, value] : head.headers) {
        if (contentType.isNull() && equalsIgnoringCase(name, "content-type"))
            contentType = value;
        if (ProxyHttp::isHopByHop(name) || ProxyHttp::containsIgnoringCase(options, name)
            || equalsIgnoringCase(name, "content-length") || equalsIgnoringCase(name, "x-servedeck-route")
            || equalsIgnoringCase(name, "x-servedeck-revision")) {
            continue;
        }
        m_out.append(name).append(": ").append(value).append("\r\n");
    }
    m_out.append("X-ServeDeck-Route: ").append(route.routeIdText).append("\r\n");
    m_out.append("X-ServeDeck-Revision: ").append(route.revisionText).append("\r\n");

    bool keepAlive = m_exchange.keepAlive;
    if (head.bodyless) {
        m_exchange.framing = Framing::None;
        // For HEAD and 304 it describes the representation; 204 must not have one.
        if (head.contentLength >= 0 && head.status != 204) {
            m_out.append("Content-Length: ");
            ProxyHttp::appendNumber(m_out, head.contentLength);
            m_out.append("\r\n");
        }
    } else if (head.contentLength >= 0) {
        m_exchange.framing = Framing::Length;
        m_out.append("Content-Length: ");
        ProxyHttp::appendNumber(m_out, head.contentLength);
        m_out.append("\r\n");
    } else if (httpMinor() >= 1) {
        // Chunked or ended by close upstream: chunked to an HTTP/1.1 client keeps its connection.
        m_exchange.framing = Framing::Chunked;
        m_out.append("Transfer-Encoding: chunked\r\n");
    } else {
        m_exchange.framing = Framing::UntilClose;  // HTTP/1.0 knows no chunks
        keepAlive = false;
    }
    m_exchange.keepAlive = keepAlive;
    if (!keepAlive)
        m_out.append("Connection: close\r\n");
    else if (httpMinor() == 0)
        m_out.append("Connection: keep-alive\r\n");
    m_out.append("\r\n");
    stream()->write(m_out);
    if (!head.bodyless)
        m_exchange.meter = CompletionMeter::forAnswer(head.status, contentType, m_exchange.completionCall);
}

void ClientConnection::upstreamBody(QByteArrayView data)
{
    if (!m_exchange.comparisons.empty())
        m_exchange.body.add(data);
    if (m_exchange.meter)
        m_exchange.meter->add(data, m_worker->nowNs());
    if (m_exchange.framing == Framing::None)
        return;
    if (m_exchange.framing == Framing::Chunked) {
        // One write (one system call) per piece, not three.
        m_out.resize(0);
        ProxyHttp::appendHex(m_out, quint64(data.size()));
        m_out.append("\r\n").append(data).append("\r\n");
        stream()->write(m_out);
    } else {
        stream()->write(data.data(), data.size());
    }
    if (overHighWater(stream()->bytesToWrite()) && m_exchange.upstream)
        m_exchange.upstream->setReadingPaused(true);  // resumed from writeDrained()
}

void ClientConnection::upstreamComplete(UpstreamConnection *connection, bool reusable)
{
    m_exchange.upstream = nullptr;
    if (reusable)
        m_worker->recycle(connection);
    if (state() != State::Busy || m_held)
        return;
    if (m_exchange.framing == Framing::Chunked)
        stream()->write("0\r\n\r\n", 5);
    endComparisons(true);
    m_worker->recordOutcome(*m_exchange.route, m_exchange.status >= 500);
    if (m_exchange.meter && m_exchange.started) {
        if (const auto count = m_exchange.meter->finish(m_exchange.startedNs, m_worker->nowNs())) {
            m_exchange.route->stats->generated(count->firstTokenNs.value_or(-1), count->tokens, count->decodeTokens,
                                               count->decodeNanos);
        }
    }
    finishExchange(m_exchange.status >= 500);
    const bool keepAlive = m_exchange.keepAlive && m_exchange.framing != Framing::UntilClose;
    m_exchange = Exchange();
    resume(keepAlive);
}

void ClientConnection::upstreamFailed(UpstreamConnection::Failure failure, const QString &reason, bool responded)
{
    m_exchange.upstream = nullptr;
    if (state() != State::Busy || m_held)
        return;
    // A pooled connection that the upstream closed while we picked it (its keep-alive
    // ran out) fails without a byte of answer: the upstream never saw the request, so
    // one more try on a fresh connection is safe even for POST.
    if (failure == UpstreamConnection::Failure::Closed && !responded && m_exchange.reused && m_exchange.attempts == 1) {
        attempt(false);
        return;
    }
    if (m_exchange.headSent) {
        // Part of the answer is out: the only honest signal left is to cut the connection.
        failWhileAnswering(failure, reason);
        return;
    }
    failExchange(failure, reason);
}

void ClientConnection::finishExchange(bool error)
{
    if (m_exchange.route && m_exchange.started)
        m_exchange.route->stats->finished(m_worker->nowNs() - m_exchange.startedNs, error);
}

void ClientConnection::abandonExchange(bool error)
{
    // Closed, not pooled: the rest of its answer, if any comes, has nobody to go to.
    if (UpstreamConnection *upstream = std::exchange(m_exchange.upstream, nullptr))
        upstream->close();
    if (m_exchange.waiting && m_exchange.route)
        m_worker->stopWaiting(this, *m_exchange.route);
    endComparisons(false);
    finishExchange(error);
    m_exchange = Exchange();
}

void ClientConnection::failWhileAnswering(UpstreamFailure failure, const QString &message)
{
    m_worker->reject(rejectReasonOf(failure));
    m_worker->recordOutcome(*m_exchange.route, true);
    m_worker->reportUpstreamFailure(*m_exchange.route, failure, message);
    abandonExchange(true);
    abortNow();
}

void ClientConnection::failExchange(UpstreamFailure failure, const QString &message)
{
    m_worker->reject(rejectReasonOf(failure));
    const std::shared_ptr<const RouteBinding> routeBinding = m_exchange.route;
    const bool keepAliveWanted = m_exchange.keepAlive;
    m_worker->recordOutcome(*routeBinding, true);
    m_worker->reportUpstreamFailure(*routeBinding, failure, message);
    abandonExchange(true);
    const RouteBinding &route = *routeBinding;
    LocalResponse response = ProxyHttp::errorResponse(
        upstreamFailureStatus(failure), upstreamFailureName(failure), message,
        {{QStringLiteral("route"), QString::fromLatin1(route.routeIdText)},
         {QStringLiteral("upstream"), QString::fromUtf8(route.authority)}});
    response.headers.emplaceBack(QByteArrayLiteral("X-ServeDeck-Route"), route.routeIdText);
    response.headers.emplaceBack(QByteArrayLiteral("X-ServeDeck-Revision"), route.revisionText);
    resume(answer(response, keepAliveWanted));
}

bool ClientConnection::answer(const LocalResponse &response, bool keepAlive)
{
    m_out.resize(0);
    ProxyHttp::appendStatusLine(m_out, response.status);
    m_out.append("Server: servedeck\r\n");
    for (const auto &[name, value] : response.headers)
        m_out.append(name).append(": ").append(value).append("\r\n");
    if (!response.contentType.isEmpty())
        m_out.append("Content-Type: ").append(response.contentType).append("\r\n");
    m_out.append("Content-Length: ");
    ProxyHttp::appendNumber(m_out, response.body.size());
    m_out.append("\r\n");
    if (!keepAlive)
        m_out.append("Connection: close\r\n");
    else if (httpMinor() == 0)
        m_out.append("Connection: keep-alive\r\n");
    m_out.append("\r\n");
    // Corked: head and body leave in one system call (for the small answers the proxy writes
    // itself, copying the body is cheaper than a second call).
    stream()->cork();
    stream()->write(m_out);
    if (request().method != "HEAD" && !response.body.isEmpty())
        stream()->write(response.body);
    stream()->uncork();
    return keepAlive;
}

void ClientConnection::refuse(const HttpError &error)
{
    m_worker->reject(reader().refusal() == HttpRequestReader::Refusal::BodyTooLarge ? RejectReason::PayloadTooLarge
                                                                                     : RejectReason::BadRequest);
    LocalResponse response;
    response.status = error.status;
    response.contentType = QByteArrayLiteral("application/json");
    response.body = error.body();
    answer(response, false);
}

void ClientConnection::writeDrained()
{
    if (!m_held && m_exchange.upstream && m_exchange.upstream->readingPaused())
        m_exchange.upstream->setReadingPaused(false);
}

void ClientConnection::checkDeadlines(qint64 now)
{
    const ProxyServer::Options &options = m_worker->options();
    const int idle = options.idleTimeoutMs;
    if (state() != State::Busy) {
        checkIdle(now);  // reading, closing, lingering
        return;
    }
    if (m_jobTicket != 0) {
        if (options.jobHandoffTimeoutMs > 0 && now >= m_jobDeadline) {
            // No reply in time: the queue is as good as full. A late reply finds no ticket.
            m_worker->jobs().forget(std::exchange(m_jobTicket, 0));
            m_worker->reject(RejectReason::JobQueueFull);
            resume(answer(JobRequest::queueFull(QStringLiteral("the job queue did not answer within %1 ms; try again")
                                                    .arg(options.jobHandoffTimeoutMs)),
                          m_jobKeepAlive));
        }
        return;
    }
    if (m_held) {
        if (now >= m_holdDeadline) {
            m_worker->unhold(this, *m_heldFor);
            m_heldFor.reset();
            m_worker->reject(RejectReason::WakeTimeout);
            const QString name = QString::fromUtf8(m_heldName);
            const int seconds = (m_worker->options().wakeTimeoutMs + 999) / 1000;
            const LocalResponse response = ProxyHttp::errorResponse(
                503, errorTypeName(ErrorType::NoHealthyRoute),
                QStringLiteral("endpoint '%1' is scaled to zero; no replica became healthy within %2 s").arg(name).arg(seconds),
                {{QStringLiteral("endpoint"), name}, {QStringLiteral("reason"), QStringLiteral("wake_timeout")}});
            m_held = false;
            setState(State::Reading);
            resume(answer(response, request().keepAlive && !request().upgrade));
        }
        return;
    }
    if (m_exchange.waiting) {
        const int limit = options.pendingTimeoutMs;
        if (limit > 0 && now - m_exchange.waitStartedMs >= limit) {
            const RouteBinding &route = *m_exchange.route;
            m_worker->stopWaiting(this, route);
            route.circuit->overflows.fetch_add(1, std::memory_order_relaxed);
            refuseByCircuit("max_connections",
                            QStringLiteral("none of the %1 connections to route %2 came free within %3 ms")
                                .arg(route.policy.maxConnections)
                                .arg(QString::fromLatin1(route.routeIdText))
                                .arg(limit),
                            route.policy.maxConnections);
        }
        return;
    }
    const UpstreamConnection *upstream = m_exchange.upstream;
    if (!upstream)
        return;
    if (upstream->isConnecting()) {
        if (options.connectTimeoutMs > 0 && now - m_exchange.connectStartedMs >= options.connectTimeoutMs) {
            const QString message = QStringLiteral("could not connect to %1 within %2 ms")
                                        .arg(QString::fromUtf8(m_exchange.route->authority))
                                        .arg(options.connectTimeoutMs);
            failExchange(UpstreamFailure::TimedOut, message);
        }
    } else if (upstream->readingPaused()) {
        // The client is not reading its answer; that is its idle time, not the upstream's.
        if (idle > 0 && now - lastActivity() >= idle)
            abortNow();
    } else if (options.readTimeoutMs > 0 && now - upstream->lastActivity() >= options.readTimeoutMs) {
        if (m_exchange.headSent) {
            failWhileAnswering(UpstreamFailure::TimedOut, QStringLiteral("%1 stopped answering for %2 ms")
                                                              .arg(QString::fromUtf8(m_exchange.route->authority))
                                                              .arg(options.readTimeoutMs));
        } else {
            const QString message = QStringLiteral("%1 did not answer within %2 ms")
                                        .arg(QString::fromUtf8(m_exchange.route->authority))
                                        .arg(options.readTimeoutMs);
            failExchange(UpstreamFailure::TimedOut, message);
        }
    }
}

void ClientConnection::ended()
{
    if (m_jobTicket != 0)
        m_worker->jobs().forget(std::exchange(m_jobTicket, 0));  // a reply that comes is dropped
    if (m_held && m_heldFor) {
        m_worker->unhold(this, *m_heldFor);
        m_heldFor.reset();
    }
    m_held = false;
    // The client left: not the route's fault, but no longer in flight either.
    abandonExchange(false);
    m_worker->forget(this);
}

} // namespace ServeDeck
