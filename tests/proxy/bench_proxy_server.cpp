// A ProxyServer on its own, for tests/bench/bench_proxy.sh: endpoint "bench" (public) with one
// route to --upstream. Prints listening=127.0.0.1:<port> and serves until it is killed.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>
#include <QUuid>

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
    parser.addOptions({upstream, workers, port});
    parser.process(app);

    const QString target = parser.value(upstream);
    const quint16 upstreamPort = quint16(target.section(u':', -1).toUInt());
    if (target.isEmpty() || upstreamPort == 0) {
        QTextStream(stderr) << "bench_proxy_server: --upstream host:port is required\n";
        return 2;
    }

    ProxyServer::Options options;
    options.workerThreads = parser.value(workers).toInt();
    ProxyServer proxy(options, nullptr);
    if (!proxy.listen(QHostAddress::LocalHost, quint16(parser.value(port).toUInt()))) {
        QTextStream(stderr) << "bench_proxy_server: " << proxy.errorString() << '\n';
        return 1;
    }

    RouteTarget route;
    route.routeId = QUuid::createUuid();
    route.revisionId = QUuid::createUuid();
    route.modelVersion = u"v1"_s;
    route.host = target.section(u':', 0, -2);
    route.port = upstreamPort;
    route.weight = 100;
    EndpointTable table;
    table.endpointId = QUuid::createUuid();
    table.name = u"bench"_s;
    table.isPublic = true;
    table.routes = {route};
    auto snapshot = std::make_shared<RoutingSnapshot>();
    snapshot->version = 1;
    snapshot->endpoints.insert(table.name, table);
    proxy.publish(std::move(snapshot));

    QTextStream(stdout) << "listening=127.0.0.1:" << proxy.serverPort() << Qt::endl;
    return QCoreApplication::exec();
}
