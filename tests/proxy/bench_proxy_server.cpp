// A ProxyServer on its own, for tests/bench/bench_proxy.sh: endpoint "bench" (public) with one
// route to --upstream. Prints listening=127.0.0.1:<port> and serves until it is killed.
//
// With --policies, "bench" is what an operator's endpoint usually is: private (a token, printed
// as token=<...> before listening=), two routes weighted 90/10 (both to --upstream), a circuit
// breaker with outlier ejection (limits far above the bench's load, so nothing is refused), a
// revocation list, and the control plane's sampling of the per-route counters.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QTextStream>
#include <QTimer>
#include <QUuid>

#include "auth/tokensigner.h"
#include "proxy/proxyserver.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption upstream(u"upstream"_s, u"The model server, host:port."_s, u"host:port"_s);
    const QCommandLineOption workers(u"workers"_s, u"Worker threads."_s, u"n"_s, u"2"_s);
    const QCommandLineOption port(u"port"_s, u"The port to listen on; 0 picks a free one."_s, u"port"_s, u"0"_s);
    const QCommandLineOption policies(
        u"policies"_s, u"A private endpoint with a token, routes 90/10, a circuit breaker, counters sampled."_s);
    parser.addOptions({upstream, workers, port, policies});
    parser.process(app);

    const QString target = parser.value(upstream);
    const quint16 upstreamPort = quint16(target.section(u':', -1).toUInt());
    if (target.isEmpty() || upstreamPort == 0) {
        QTextStream(stderr) << "bench_proxy_server: --upstream host:port is required\n";
        return 2;
    }

    ProxyServer::Options options;
    options.workerThreads = parser.value(workers).toInt();
    const bool withPolicies = parser.isSet(policies);
    // A fixed bench key: the token only has to pass this process's own check.
    const auto signer = withPolicies ? std::make_shared<const TokenSigner>(QByteArray(32, 'b')) : nullptr;
    ProxyServer proxy(options, signer);
    if (!proxy.listen(QHostAddress::LocalHost, quint16(parser.value(port).toUInt()))) {
        QTextStream(stderr) << "bench_proxy_server: " << proxy.errorString() << '\n';
        return 1;
    }

    const auto routeTo = [&target, upstreamPort](int weight) {
        RouteTarget route;
        route.routeId = QUuid::createUuid();
        route.revisionId = QUuid::createUuid();
        route.modelVersion = u"v1"_s;
        route.host = target.section(u':', 0, -2);
        route.port = upstreamPort;
        route.weight = weight;
        return route;
    };
    EndpointTable table;
    table.endpointId = QUuid::createUuid();
    table.name = u"bench"_s;
    table.isPublic = !withPolicies;
    auto snapshot = std::make_shared<RoutingSnapshot>();
    snapshot->version = 1;
    QTimer sampler;
    if (withPolicies) {
        table.routes = {routeTo(90), routeTo(10)};
        // Limits per route over every worker: far above 500 connections, so the bench measures
        // their bookkeeping, not refusals.
        table.circuitBreaker.maxConnections = 8192;
        table.circuitBreaker.maxPendingRequests = 8192;
        table.circuitBreaker.consecutiveErrors = 5;
        table.circuitBreaker.baseEjectionMs = 30000;
        table.circuitBreaker.maxEjectionPercent = 50;
        // A request's token is looked up in the revocation list: give it one to look in.
        snapshot->revokedTokenIds.insert(QUuid::createUuid().toString(QUuid::WithoutBraces));

        TokenClaims claims;
        claims.tokenId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        claims.endpointId = table.endpointId.toString(QUuid::WithoutBraces);
        claims.scope = TokenScope::Inference;
        claims.issuedAt = QDateTime::currentDateTimeUtc();
        claims.expiresAt = claims.issuedAt.addDays(1);
        QTextStream(stdout) << "token=" << signer->sign(claims) << Qt::endl;

        // As the control plane's metrics sampler does (once a second): every worker's counters.
        QObject::connect(&sampler, &QTimer::timeout, &proxy, [&proxy] { (void)proxy.routeCounters(); });
        sampler.start(1000);
    } else {
        table.routes = {routeTo(100)};
    }
    snapshot->endpoints.insert(table.name, table);
    proxy.publish(std::move(snapshot));

    QTextStream(stdout) << "listening=127.0.0.1:" << proxy.serverPort() << Qt::endl;
    return QCoreApplication::exec();
}
