// Hostile load against a running `servedeck serve`, loopback only, every phase bounded in count
// and time: slowloris (connections dripping a header byte a second) and thousands of idle
// connections against the proxy and the control API; then a flood of crash reports written
// through the Repository. For each: the server's resident memory (VmRSS) before, at its peak
// during and after, and whether /v1/health keeps answering (its latency). Run by hand:
//
//   build/bin/bench_hostile [--quick]      (needs build/bin/servedeck; SERVEDECK_BIN overrides)
//   build/bin/bench_hostile --flood N      (the crash-report flood alone, N reports)
//
// The file-descriptor limit is raised to the hard limit at start (5,000 connections need
// 5,000 descriptors here and as many in the server, which inherits the limit).
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>
#include <vector>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "store/repository.h"

using namespace ServeDeck;

namespace {

QTextStream out(stdout);

qint64 rssKiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

double mib(qint64 kib)
{
    return double(kib) / 1024.0;
}

int connectTo(quint16 port, int timeoutMs)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0 && errno != EINPROGRESS) {
        ::close(fd);
        return -1;
    }
    pollfd p{fd, POLLOUT, 0};
    int error = 0;
    socklen_t length = sizeof(error);
    if (::poll(&p, 1, timeoutMs) != 1 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// One GET on a fresh connection; its latency in ms to the whole answer, or -1 (no answer in 2 s).
double get(quint16 port, const char *path)
{
    QElapsedTimer timer;
    timer.start();
    const int fd = connectTo(port, 2000);
    if (fd < 0)
        return -1;
    const QByteArray request = QByteArray("GET ") + path + " HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
    ::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL);
    QByteArray answer;
    char buffer[4096];
    while (timer.elapsed() < 2000) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, int(2000 - timer.elapsed())) != 1)
            break;
        const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0)
            break;
        answer.append(buffer, n);
    }
    ::close(fd);
    return answer.startsWith("HTTP/1.1 200") ? double(timer.nsecsElapsed()) / 1e6 : -1;
}

// A peer that closed (or reset) the connection: recv says so without blocking.
bool closedByPeer(int fd)
{
    char byte;
    const ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT | MSG_PEEK);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

struct Figures
{
    QString scenario;
    int opened = 0;
    int notConnected = 0;  // connect() failed or took over 1 s
    int closedByServer = 0;
    qint64 firstCloseMs = -1;
    qint64 rssBefore = 0, rssPeak = 0, rssAfter = 0;
    std::vector<double> health;  // ms during the load; -1: no answer
    double healthAfter = -1;
};

struct Server
{
    qint64 pid = 0;
    quint16 api = 0;
    quint16 proxy = 0;
};

// Opens `count` connections to port, then for `seconds` drips one header byte a second on each
// (drip) or sends nothing (idle); samples the server once a second meanwhile.
Figures attack(const Server &server, const QString &name, quint16 port, int count, int seconds, bool drip)
{
    Figures f;
    f.scenario = name;
    f.rssBefore = rssKiB(server.pid);
    f.rssPeak = f.rssBefore;
    std::vector<int> fds;
    fds.reserve(std::size_t(count));
    QElapsedTimer clock;
    clock.start();
    // Bounded: at most 30 s of opening, however slowly connections are taken.
    for (int i = 0; i < count && clock.elapsed() < 30000; ++i) {
        const int fd = connectTo(port, 1000);
        if (fd < 0) {
            ++f.notConnected;
            continue;
        }
        fds.push_back(fd);
        if (drip)
            ::send(fd, "GET / HTTP/1.1\r\nHost: b\r\nX-Slow: ", 34, MSG_NOSIGNAL);
    }
    f.opened = int(fds.size());
    std::vector<bool> closed(fds.size(), false);
    const qint64 loadStart = clock.elapsed();
    for (int second = 0; second < seconds; ++second) {
        const qint64 tickEnd = loadStart + (second + 1) * 1000;
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (closed[i])
                continue;
            if (closedByPeer(fds[i]) || (drip && ::send(fds[i], "a", 1, MSG_NOSIGNAL) != 1)) {
                closed[i] = true;
                ++f.closedByServer;
                if (f.firstCloseMs < 0)
                    f.firstCloseMs = clock.elapsed() - loadStart;
            }
        }
        f.health.push_back(get(server.api, "/v1/health"));
        f.rssPeak = std::max(f.rssPeak, rssKiB(server.pid));
        const qint64 left = tickEnd - clock.elapsed();
        if (left > 0)
            QThread::msleep(quint64(left));
    }
    for (const int fd : fds)
        ::close(fd);
    QThread::msleep(2000);  // the server notices the closes
    f.rssAfter = rssKiB(server.pid);
    f.healthAfter = get(server.api, "/v1/health");
    return f;
}

void print(const Figures &f)
{
    std::vector<double> answered;
    int failed = 0;
    for (const double ms : f.health) {
        if (ms < 0)
            ++failed;
        else
            answered.push_back(ms);
    }
    std::sort(answered.begin(), answered.end());
    const double p50 = answered.empty() ? -1 : answered[answered.size() / 2];
    const double worst = answered.empty() ? -1 : answered.back();
    out << qSetFieldWidth(18) << Qt::left << f.scenario << qSetFieldWidth(7) << Qt::right << f.opened
        << qSetFieldWidth(8) << f.notConnected << f.closedByServer << qSetFieldWidth(9)
        << (f.firstCloseMs < 0 ? QStringLiteral("-") : QString::number(double(f.firstCloseMs) / 1000.0, 'f', 1))
        << qSetFieldWidth(9) << QString::number(mib(f.rssBefore), 'f', 1) << QString::number(mib(f.rssPeak), 'f', 1)
        << QString::number(mib(f.rssAfter), 'f', 1) << qSetFieldWidth(11) << QString::number(p50, 'f', 2)
        << QString::number(worst, 'f', 2) << qSetFieldWidth(6) << failed << qSetFieldWidth(10)
        << QString::number(f.healthAfter, 'f', 2) << qSetFieldWidth(0) << '\n';
    out.flush();
}

std::optional<Server> startServer(QProcess &process, const QString &binary, const QString &dataDir)
{
    process.setProgram(binary);
    process.setArguments({QStringLiteral("serve"), QStringLiteral("--data-dir"), dataDir, QStringLiteral("--api"),
                          QStringLiteral("127.0.0.1:0"), QStringLiteral("--proxy"), QStringLiteral("127.0.0.1:0")});
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start();
    if (!process.waitForStarted(10000))
        return std::nullopt;
    Server server;
    server.pid = process.processId();
    QByteArray text;
    QElapsedTimer timer;
    timer.start();
    while ((server.api == 0 || server.proxy == 0) && timer.elapsed() < 30000) {
        process.waitForReadyRead(500);
        text += process.readAllStandardOutput();
        for (const QByteArray &line : text.split('\n')) {
            if (line.startsWith("api="))
                server.api = quint16(line.mid(line.lastIndexOf(':') + 1).toUInt());
            else if (line.startsWith("proxy="))
                server.proxy = quint16(line.mid(line.lastIndexOf(':') + 1).toUInt());
        }
    }
    if (server.api == 0 || server.proxy == 0)
        return std::nullopt;
    return server;
}

// Crash reports as a replica that exits at once in a loop writes them, as fast as the store
// takes them: rows kept, database size and the process's memory.
void crashFlood(int reports)
{
    QTemporaryDir dir;
    Repository repository;
    if (!dir.isValid() || !repository.open(dir.filePath(QStringLiteral("flood.db"))).ok())
        qFatal("bench_hostile: cannot open a database");
    Endpoint e;
    e.id = QUuid::createUuid();
    e.name = QStringLiteral("crash-looping");
    e.modelVersion = QStringLiteral("v1");
    e.modelFolder = QStringLiteral("/srv/models/iris-v1");
    e.runtimeVariant = QStringLiteral("custom");
    e.resourceSlots = {1, qint64(1) << 30, 0};
    e.resourceGroup = QStringLiteral("default");
    e.replicas = 1;
    e.url = QStringLiteral("http://127.0.0.1:1/crash-looping");
    e.createdAt = e.updatedAt = QDateTime::currentDateTimeUtc();
    if (!repository.insertEndpoint(e).ok())
        qFatal("bench_hostile: cannot insert the endpoint");
    const qint64 rssBefore = rssKiB(QCoreApplication::applicationPid());
    QElapsedTimer timer;
    timer.start();
    const QString tail = QString(200, QLatin1Char('x'));  // a log tail per report, as agents send
    QElapsedTimer block;
    block.start();
    for (int i = 0; i < reports; ++i) {
        if (i > 0 && i % 10000 == 0) {
            out << "  reports " << i - 10000 << "-" << i << ": " << QString::number(10000.0 / (double(block.elapsed()) / 1000.0), 'f', 0)
                << "/s\n";
            out.flush();
            block.restart();
        }
        ErrorRecord r;
        r.endpointId = e.id;
        r.type = QStringLiteral("CrashLoop");
        r.message = QStringLiteral("replica exited with code 1");
        r.exitCode = 1;
        r.logTail = tail;
        r.time = QDateTime::currentDateTimeUtc();
        // One transaction per report, as the service writes them.
        if (!repository.transaction<qint64>([&] { return repository.insertError(r); }).ok())
            qFatal("bench_hostile: insert %d failed", i);
    }
    const double seconds = double(timer.elapsed()) / 1000.0;
    const auto kept = repository.errors(e.id, 1000000);
    const qint64 bytes = QFileInfo(dir.filePath(QStringLiteral("flood.db"))).size()
        + QFileInfo(dir.filePath(QStringLiteral("flood.db-wal"))).size();
    out << "\ncrash-report flood: " << reports << " reports in " << QString::number(seconds, 'f', 1) << " s ("
        << QString::number(double(reports) / seconds, 'f', 0) << "/s), rows kept " << (kept ? kept->size() : -1)
        << " (retention " << repository.historyRetention().maxRowsPerEndpoint << " per endpoint, pruned every "
        << Repository::kPruneBatch << " inserts), database " << QString::number(double(bytes) / 1048576.0, 'f', 1)
        << " MiB, bench RSS " << QString::number(mib(rssBefore), 'f', 1) << " -> "
        << QString::number(mib(rssKiB(QCoreApplication::applicationPid())), 'f', 1) << " MiB\n";
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const bool quick = app.arguments().contains(QStringLiteral("--quick"));
    std::signal(SIGPIPE, SIG_IGN);
    // --flood N: only the crash-report flood, of N reports.
    if (const qsizetype at = app.arguments().indexOf(QStringLiteral("--flood")); at > 0) {
        crashFlood(std::clamp(app.arguments().value(at + 1).toInt(), 1, 1000000));
        return 0;
    }

    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    const rlim_t soft = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    out << "RLIMIT_NOFILE raised from " << soft << " to " << limit.rlim_cur << " (the server inherits it)\n";

    const QString binary = qEnvironmentVariable("SERVEDECK_BIN",
                                                QCoreApplication::applicationDirPath() + QStringLiteral("/servedeck"));
    QTemporaryDir dataDir;
    QProcess process;
    const std::optional<Server> server = startServer(process, binary, dataDir.filePath(QStringLiteral("data")));
    if (!server) {
        out << "bench_hostile: " << binary << " serve did not start\n";
        return 2;
    }
    out << "servedeck serve pid " << server->pid << ": api :" << server->api << ", proxy :" << server->proxy << "\n";
    QThread::msleep(1000);  // settled

    const int slow = quick ? 200 : 1000;
    const int idle = quick ? 1000 : 5000;
    const int seconds = 15;  // past the 10 s head deadline of both listeners
    out << "\n" << qSetFieldWidth(18) << Qt::left << "scenario" << qSetFieldWidth(7) << Qt::right << "conns"
        << qSetFieldWidth(8) << "no conn" << "closed" << qSetFieldWidth(9) << "first s" << "RSS0 MiB" << "peak MiB"
        << "end MiB" << qSetFieldWidth(11) << "health p50" << "health max" << qSetFieldWidth(6) << "fail"
        << qSetFieldWidth(10) << "after ms" << qSetFieldWidth(0) << '\n';
    print(attack(*server, QStringLiteral("slowloris proxy"), server->proxy, slow, seconds, true));
    print(attack(*server, QStringLiteral("slowloris api"), server->api, slow, seconds, true));
    print(attack(*server, QStringLiteral("idle proxy"), server->proxy, idle, seconds, false));
    print(attack(*server, QStringLiteral("idle api"), server->api, idle, seconds, false));
    out << "(conns: connections open; no conn: connect() failed or took over 1 s; closed: those the server\n"
           " ended during the phase; first s: when the first was ended, from the phase's start;\n"
           " health: GET /v1/health on a fresh connection once a second during the phase, ms; fail: no answer in 2 s)\n";

    process.terminate();
    if (!process.waitForFinished(15000))
        process.kill();

    crashFlood(quick ? 5000 : 50000);
    return 0;
}
