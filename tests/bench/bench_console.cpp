// The console's own costs, measured in one process the way `servedeck` runs (embedded control
// plane, proxy, API, window), with the offscreen platform unless a display is given:
//   1. cold start: from main() to the first paint event of the MainWindow, empty data dir;
//   2. resident memory with N endpoints (replicas 0), fresh, and once each holds a full hour of
//      history (replayed into MetricsHistory: nobody waits an hour);
//   3. CPU while the charts update live: process CPU time over S seconds with the Details tab
//      open on one endpoint (1 h range, full history) and the plane sampling every 500 ms; then
//      the same with the dashboard (Endpoints tab, N rows with sparklines) in front.
//   4. with --stall S: the GUI thread's stall over S seconds, read from a 5 ms timer's lateness,
//      with N endpoints (default 50) of one real replica each under load through the proxy (from
//      a thread of its own), an autoscaling rule on each, the Details tab open, and a `nvidia-smi`
//      stand-in that takes 300 ms first on PATH (what a GPU workstation's costs).
// usage: bench_console [--endpoints N] [--seconds S] [--start-only] [--stall S] [--rate R]
#include <algorithm>
#include <atomic>
#include <cmath>
#include <optional>
#include <type_traits>

#include <sys/resource.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QThread>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include "plane/controlclient.h"
#include "plane/controlplane.h"
#include "service/modelservingservice.h"
#include "ui/detail/endpointdetailview.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/common/endpointselector.h"
#include "ui/mainwindow.h"
#include "ui/metrics/metricshistory.h"

using namespace ServeDeck;

namespace {

QTextStream out(stdout);

qint64 residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Runs the event loop for `ms`, sleeping when there is nothing to do, as the console does.
void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// Notes the first paint event any widget of `window` gets.
class FirstPaint final : public QObject
{
public:
    FirstPaint(QWidget *window, const QElapsedTimer &sinceMain, QEventLoop &loop)
        : m_window(window)
        , m_sinceMain(sinceMain)
        , m_loop(loop)
    {
    }
    qint64 ms = -1;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (ms < 0 && event->type() == QEvent::Paint && watched->isWidgetType()
            && static_cast<QWidget *>(watched)->window() == m_window) {
            ms = m_sinceMain.elapsed();
            m_loop.quit();
        }
        return QObject::eventFilter(watched, event);
    }

private:
    QWidget *m_window;
    const QElapsedTimer &m_sinceMain;
    QEventLoop &m_loop;
};

// A full hour at two samples a second, for every replica given.
void replayHour(MetricsHistory &history, const QUuid &endpoint, qint64 nowMs)
{
    QRandomGenerator noise(7);
    const qint64 from = nowMs - 3600 * 1000;
    for (qint64 t = from; t <= nowMs; t += 500) {
        EndpointSample s;
        s.timeMs = t;
        s.requestsPerSecond = float(30 + 20 * std::sin(double(t - from) / 120000.0) + noise.bounded(5.0));
        s.p95Ms = float(10 + noise.bounded(4.0));
        history.append(endpoint, s);
    }
}

// The plane's answer to `work`, waited for with the event loop running (set-up, not measured).
template<typename Work>
auto ask(ControlClient &client, Work work)
{
    using Answer = std::invoke_result_t<Work &, ModelServingService &>;
    std::optional<Answer> answer;
    QEventLoop loop;
    client.call(&loop, std::move(work), [&](Answer a) {
        answer.emplace(std::move(a));
        loop.quit();
    });
    if (!answer)
        loop.exec();
    return std::move(*answer);
}

double percentile(QList<double> values, double q)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min<qsizetype>(values.size() - 1, qsizetype(q * double(values.size())))];
}

// A `nvidia-smi` that answers nothing useful after 300 ms, first on PATH for this process and
// its children, as on a GPU workstation where the real one takes that long.
bool slowNvidiaSmiFirstOnPath(const QString &folder)
{
    QFile script(QDir(folder).filePath(QStringLiteral("nvidia-smi")));
    if (!script.open(QIODevice::WriteOnly))
        return false;
    script.write("#!/bin/sh\nsleep 0.3\nexit 0\n");
    script.close();
    script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    qputenv("PATH", (folder + QLatin1Char(':') + qEnvironmentVariable("PATH")).toLocal8Bit());
    return true;
}

// Requests on a fixed schedule, round robin over `urls`, from a thread of its own so that the
// load's own client work never lands on the GUI thread being measured.
class LoadThread final
{
public:
    LoadThread(QStringList urls, int rate)
        : m_urls(std::move(urls))
        , m_rate(rate)
    {
        m_thread.reset(QThread::create([this] { run(); }));
        m_thread->start();
    }
    ~LoadThread()
    {
        m_stop = true;
        m_thread->wait();
    }
    int sent() const { return m_sent; }
    int ok() const { return m_ok; }

private:
    void run()
    {
        QNetworkAccessManager network;
        QElapsedTimer clock;
        clock.start();
        while (!m_stop) {
            const qint64 due = clock.elapsed() * m_rate / 1000;
            while (m_sent < due && pending < 1000) {
                QNetworkRequest request(QUrl(m_urls.at(m_sent % m_urls.size()) + QStringLiteral("/predict")));
                request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
                request.setTransferTimeout(10000);
                QNetworkReply *reply = network.post(request, QByteArrayLiteral(R"({"features":[6.7,3.0,5.2,2.3]})"));
                ++m_sent;
                ++pending;
                QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply] {
                    reply->deleteLater();
                    --pending;
                    if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200)
                        ++m_ok;
                });
            }
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            QThread::msleep(2);
        }
        // Replies still in flight go with the manager; their counts no longer matter.
    }

    QStringList m_urls;
    int m_rate;
    std::atomic<bool> m_stop = false;
    std::atomic<int> m_sent = 0;
    std::atomic<int> m_ok = 0;
    int pending = 0;  // the load thread's own
    std::unique_ptr<QThread> m_thread;
};

// The GUI thread's lateness: a 5 ms timer that should tick on time; each tick's delay beyond
// 5 ms is how long the thread was busy with something else.
struct StallProbe
{
    static constexpr qint64 kIntervalNs = 5'000'000;
    QList<double> latenessMs;
    QElapsedTimer clock;
    qint64 last = 0;
    QTimer timer;

    StallProbe()
    {
        timer.setTimerType(Qt::PreciseTimer);
        timer.setInterval(5);
        QObject::connect(&timer, &QTimer::timeout, &timer, [this] {
            const qint64 now = clock.nsecsElapsed();
            latenessMs.append(double(std::max<qint64>(0, now - last - kIntervalNs)) / 1e6);
            last = now;
        });
    }
    void start()
    {
        latenessMs.clear();
        clock.start();
        last = 0;
        timer.start();
    }
    void report(QTextStream &to) const
    {
        const auto over = [this](double ms) {
            return std::count_if(latenessMs.begin(), latenessMs.end(), [ms](double v) { return v > ms; });
        };
        to << "stall_ticks=" << latenessMs.size() << Qt::endl;
        to << "stall_p50_ms=" << QString::number(percentile(latenessMs, 0.50), 'f', 2) << Qt::endl;
        to << "stall_p99_ms=" << QString::number(percentile(latenessMs, 0.99), 'f', 2) << Qt::endl;
        to << "stall_max_ms=" << QString::number(percentile(latenessMs, 1.0), 'f', 2) << Qt::endl;
        to << "stalls_over_16ms=" << over(16) << Qt::endl;
        to << "stalls_over_50ms=" << over(50) << Qt::endl;
    }
};

// Section 4: real replicas under load, rules evaluated, the Details tab in front.
int stall(MainWindow &window, ControlClient &client, int endpoints, int rate, int seconds)
{
    QStringList urls;
    QList<QUuid> ids;
    for (int i = 0; i < endpoints; ++i) {
        CreateEndpointRequest r;
        r.name = QStringLiteral("load-%1").arg(i, 3, 10, QLatin1Char('0'));
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = QStringLiteral("iris-v1");
        r.replicas = 1;
        r.isPublic = true;
        r.resourceSlots = {0.25, qint64(256) << 20, 0};
        auto created = ask(client, [r](ModelServingService &s) { return s.createEndpoint(r); });
        if (!created) {
            out << "cannot create " << r.name << ": " << created.error().message << Qt::endl;
            return 1;
        }
        AutoScalingRule rule;
        rule.source = MetricSource::Proxy;
        rule.metric = QStringLiteral("requests_per_second");
        rule.threshold = 100;
        rule.targetPerReplica = 50;
        rule.minReplicas = 1;
        rule.maxReplicas = 2;
        auto made = ask(client, [ref = created->id.toString(QUuid::WithoutBraces), rule](ModelServingService &s) {
            return s.createAutoScalingRule(ref, rule);
        });
        if (!made) {
            out << "cannot create a rule: " << made.error().message << Qt::endl;
            return 1;
        }
        urls << created->url;
        ids << created->id;
    }
    QElapsedTimer waiting;
    waiting.start();
    int healthy = 0;
    while (waiting.elapsed() < 180000) {
        healthy = 0;
        if (auto list = ask(client, [](ModelServingService &s) { return s.listEndpoints(); })) {
            for (const EndpointInfo &info : std::as_const(*list))
                healthy += int(std::count_if(info.routes.begin(), info.routes.end(),
                                             [](const Route &r) { return r.status == RouteStatus::Healthy; }));
        }
        if (healthy >= endpoints)
            break;
        spin(500);
    }
    out << "healthy_replicas=" << healthy << " of " << endpoints << " after " << waiting.elapsed() << " ms"
        << Qt::endl;
    if (healthy < endpoints)
        return 1;

    window.detailView()->endpointSelector()->setCurrentEndpoint(ids.value(0));
    window.showView(MainWindow::View::Detail);
    LoadThread load(urls, rate);
    spin(3000);  // the load and the samples settle
    StallProbe probe;
    probe.start();
    spin(seconds * 1000);
    probe.timer.stop();
    out << "stall_seconds=" << seconds << " endpoints=" << endpoints << " rate=" << rate << Qt::endl;
    out << "load_sent=" << load.sent() << " load_ok=" << load.ok() << Qt::endl;
    probe.report(out);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QElapsedTimer sinceMain;
    sinceMain.start();
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ServeDeck"));
    QApplication::setApplicationName(QStringLiteral("bench_console"));
    int endpoints = -1;
    int seconds = 30;
    int stallSeconds = 0;
    int rate = 200;
    const QStringList args = app.arguments();
    // Only the cold start, for repeated runs.
    const bool startOnly = args.contains(QLatin1String("--start-only"));
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args.at(i) == QLatin1String("--endpoints"))
            endpoints = args.at(i + 1).toInt();
        else if (args.at(i) == QLatin1String("--seconds"))
            seconds = args.at(i + 1).toInt();
        else if (args.at(i) == QLatin1String("--stall"))
            stallSeconds = args.at(i + 1).toInt();
        else if (args.at(i) == QLatin1String("--rate"))
            rate = args.at(i + 1).toInt();
    }
    if (endpoints < 0)
        endpoints = stallSeconds > 0 ? 50 : 100;
    QTemporaryDir binDir;
    if (stallSeconds > 0 && !slowNvidiaSmiFirstOnPath(binDir.path())) {
        out << "cannot write the nvidia-smi stand-in" << Qt::endl;
        return 1;
    }

    QTemporaryDir dir;
    ControlPlaneOptions options;
    options.dataDir = dir.path();
    options.capacity = QStringLiteral("cpu=512,memory=2048G");
    options.modelRoots = {QStringLiteral(SERVEDECK_SOURCE_MODELS_DIR)};
    // As the console runs: API, proxy, reconciler, embedded agent, sampling every 500 ms, all on
    // the control thread.
    ControlClient client;
    if (auto started = client.start(options); !started) {
        out << "cannot start: " << started.error().message << Qt::endl;
        return 1;
    }
    MainWindow window(client);
    window.resize(1100, 700);
    window.showView(MainWindow::View::Endpoints);
    QEventLoop painted;
    FirstPaint firstPaint(&window, sinceMain, painted);
    app.installEventFilter(&firstPaint);
    window.show();
    QTimer::singleShot(30000, &painted, &QEventLoop::quit);
    painted.exec();
    app.removeEventFilter(&firstPaint);
    out << "platform=" << QGuiApplication::platformName() << Qt::endl;
    out << "cold_start_to_first_paint_ms=" << firstPaint.ms << Qt::endl;
    if (startOnly)
        return 0;
    if (stallSeconds > 0)
        return stall(window, client, endpoints, rate, stallSeconds);
    spin(1000);
    out << "rss_started_kib=" << residentKiB() << Qt::endl;

    QElapsedTimer creating;
    creating.start();
    QList<QUuid> ids;
    for (int i = 0; i < endpoints; ++i) {
        CreateEndpointRequest r;
        r.name = QStringLiteral("endpoint-%1").arg(i, 3, 10, QLatin1Char('0'));
        r.modelVersion = QStringLiteral("v1");
        r.modelFolder = QStringLiteral("iris-v1");
        r.replicas = 0;
        r.resourceSlots = {1, qint64(1) << 30, 0};
        auto created = ask(client, [r](ModelServingService &s) { return s.createEndpoint(r); });
        if (!created) {
            out << "cannot create " << r.name << ": " << created.error().message << Qt::endl;
            return 1;
        }
        ids << created->id;
    }
    out << "create_endpoints_ms=" << creating.elapsed() << Qt::endl;
    // A few samples and reconciler passes settle the rows.
    spin(3000);
    out << "endpoints=" << window.endpointModel()->rowCount() << Qt::endl;
    out << "rss_with_endpoints_kib=" << residentKiB() << Qt::endl;

    MetricsHistory &history = *window.metricsHistory();
    const qint64 now = QDateTime::currentMSecsSinceEpoch() - 1000;
    // 7201 replayed samples push the few recorded so far out of each ring: an hour, in order.
    QElapsedTimer replaying;
    replaying.start();
    for (const QUuid &id : std::as_const(ids))
        replayHour(history, id, now);
    out << "replay_ms=" << replaying.elapsed() << Qt::endl;
    spin(2000);
    qsizetype samples = 0;
    for (const QUuid &id : std::as_const(ids))
        samples += history.endpoint(id) ? history.endpoint(id)->size() : 0;
    out << "history_samples=" << samples << " (" << (samples / std::max(1, endpoints)) << " per endpoint, cap "
        << MetricsHistory::kCapacity << ")" << Qt::endl;
    out << "rss_with_hour_of_history_kib=" << residentKiB() << Qt::endl;

    // Live charts: the Details tab in front, an hour on the axis, the plane sampling.
    EndpointDetailView *detail = window.detailView();
    detail->endpointSelector()->setCurrentEndpoint(ids.value(0));
    detail->setRange(EndpointDetailView::Range::Hour);
    window.showView(MainWindow::View::Detail);
    spin(1000);
    QElapsedTimer redraw;
    redraw.start();
    constexpr int kRedraws = 20;
    for (int i = 0; i < kRedraws; ++i) {
        detail->refreshNow();
        detail->repaint();
    }
    out << "detail_redraw_and_paint_1h_ms=" << double(redraw.elapsed()) / kRedraws << Qt::endl;
    int before = detail->redrawCount();
    double cpu = cpuSeconds();
    QElapsedTimer wall;
    wall.start();
    spin(seconds * 1000);
    out << "cpu_detail_view_percent=" << (cpuSeconds() - cpu) / (double(wall.elapsed()) / 1000.0) * 100.0
        << " over " << wall.elapsed() / 1000 << " s, " << detail->redrawCount() - before << " redraws" << Qt::endl;

    // The dashboard in front: every row's load columns and sparkline repaint each sample.
    window.showView(MainWindow::View::Endpoints);
    spin(1000);
    cpu = cpuSeconds();
    wall.restart();
    spin(seconds * 1000);
    out << "cpu_dashboard_percent=" << (cpuSeconds() - cpu) / (double(wall.elapsed()) / 1000.0) * 100.0 << " over "
        << wall.elapsed() / 1000 << " s" << Qt::endl;

    // Nothing in front that draws load: what the plane and the history cost on their own.
    window.showView(MainWindow::View::Tokens);
    spin(1000);
    cpu = cpuSeconds();
    wall.restart();
    spin(seconds * 1000);
    out << "cpu_idle_tab_percent=" << (cpuSeconds() - cpu) / (double(wall.elapsed()) / 1000.0) * 100.0 << " over "
        << wall.elapsed() / 1000 << " s" << Qt::endl;
    out << "rss_end_kib=" << residentKiB() << Qt::endl;
    return 0;
}
