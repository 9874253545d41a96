#pragma once

// What the GUI suites share: a real control plane in a temporary data dir (the console's own,
// minus the replica processes), and screenshots written where the README's come from.
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

#include <QCoreApplication>
#include <QDir>
#include <QImage>
#include <QRandomGenerator>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QWidget>

#include "plane/controlplane.h"
#include "scheduler/reconciler.h"
#include "service/modelservingservice.h"
#include "store/repository.h"
#include "ui/metrics/metricshistory.h"

namespace UiTest {

using namespace Qt::StringLiterals;

inline QByteArray why(const ServeDeck::ServiceError &e)
{
    return (e.typeName() + u": "_s + e.message).toUtf8();
}

inline QString modelsDir()
{
    return QDir(qEnvironmentVariable("SERVEDECK_SOURCE_DIR")).filePath(u"resources/models"_s);
}

inline ServeDeck::ControlPlaneOptions planeOptions(const QString &dataDir)
{
    ServeDeck::ControlPlaneOptions options;
    options.dataDir = dataDir;
    options.serveApi = false;
    options.capacity = u"cpu=8,memory=16G"_s;
    // The views' behaviour, not the agent's: routes stay as the reconciler makes them.
    options.runReplicas = false;
    options.modelRoots = {modelsDir()};
    return options;
}

// How many of the endpoint's routes are HEALTHY; -1 if it cannot be read.
inline int healthyRoutes(ServeDeck::ModelServingService &service, const QString &name)
{
    const auto info = service.endpointInfo(name);
    return info ? int(std::count_if(info->routes.begin(), info->routes.end(),
                                    [](const ServeDeck::Route &r) { return r.status == ServeDeck::RouteStatus::Healthy; }))
                : -1;
}

// Where the window keeps its settings in this test program: QStandardPaths test mode keeps
// them away from the user's own, and the program's name away from other suites running at once.
inline QString settingsApplication()
{
    return QCoreApplication::applicationName();
}

// The window's settings start empty in every suite, so a view remembered by an earlier run
// does not leak in.
inline void clearSettings()
{
    QSettings(u"ServeDeck"_s, settingsApplication()).clear();
}

// Starts `plane` over a fresh temporary `dataDir` with planeOptions (`adjust` changes them
// first), QStandardPaths' test paths and the window's settings empty, as in every GUI suite.
// Empty on success, else why it did not start.
inline QByteArray startPlane(std::unique_ptr<QTemporaryDir> &dataDir, std::unique_ptr<ServeDeck::ControlPlane> &plane,
                             const std::function<void(ServeDeck::ControlPlaneOptions &)> &adjust = {})
{
    QStandardPaths::setTestModeEnabled(true);
    clearSettings();
    dataDir = std::make_unique<QTemporaryDir>();
    if (!dataDir->isValid())
        return "no temporary data dir: " + dataDir->errorString().toUtf8();
    ServeDeck::ControlPlaneOptions options = planeOptions(dataDir->path());
    if (adjust)
        adjust(options);
    plane = std::make_unique<ServeDeck::ControlPlane>();
    auto started = plane->start(options);
    return started ? QByteArray() : why(started.error());
}

// The plane of the suites that watch real demo replicas serve: a temporary data dir, replicas
// run as processes, and a reconcile every 200 ms so that a new endpoint serves within seconds.
// Used where a std::unique_ptr<ControlPlane> would be (->, *, reset()); reset() stops the plane
// before the data dir goes.
class ServingPlane
{
public:
    ServingPlane() = default;
    ~ServingPlane() { reset(); }
    Q_DISABLE_COPY_MOVE(ServingPlane)

    // Empty on success, else why it did not start. `adjust` changes the options first. Paths
    // are QStandardPaths' test ones and the window's settings start empty, as in every GUI suite.
    QByteArray start(const std::function<void(ServeDeck::ControlPlaneOptions &)> &adjust = {})
    {
        return startPlane(m_dataDir, m_plane, [&adjust](ServeDeck::ControlPlaneOptions &options) {
            options.runReplicas = true;
            options.reconcileIntervalMs = 200;
            if (adjust)
                adjust(options);
        });
    }

    void reset()
    {
        m_plane.reset();
        m_dataDir.reset();
    }

    ServeDeck::ControlPlane *operator->() const { return m_plane.get(); }
    ServeDeck::ControlPlane &operator*() const { return *m_plane; }
    QString dataDir() const { return m_dataDir->path(); }

    // The demo model (iris-v1 as v1) with `replicas` replicas of half a core and 256 MiB each.
    ServeDeck::Endpoint createDemo(const QString &name, bool isPublic, int replicas = 1)
    {
        ServeDeck::CreateEndpointRequest r;
        r.name = name;
        r.modelVersion = u"v1"_s;
        r.modelFolder = u"iris-v1"_s;
        r.replicas = replicas;
        r.isPublic = isPublic;
        r.resourceSlots = ServeDeck::ResourceSlots{0.5, qint64(256) << 20, 0};
        auto created = m_plane->service().createEndpoint(r);
        if (!created)
            qFatal("test set-up: %s", why(created.error()).constData());
        return *created;
    }

private:
    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ServeDeck::ControlPlane> m_plane;
};

inline ServeDeck::Endpoint create(ServeDeck::ModelServingService &service, const QString &name,
                                  const QString &folder = u"iris-v1"_s, int replicas = 1)
{
    ServeDeck::CreateEndpointRequest r;
    r.name = name;
    r.modelVersion = u"v1"_s;
    r.modelFolder = folder;
    r.replicas = replicas;
    r.resourceSlots = ServeDeck::ResourceSlots{1, qint64(1) << 30, 0};
    auto created = service.createEndpoint(r);
    if (!created)
        qFatal("test set-up: %s", why(created.error()).constData());
    return *created;
}

// A rollout of `endpoint` to a new version by `strategy` (canary and progressive at `weight`).
inline ServeDeck::RolloutInfo startRollout(ServeDeck::ModelServingService &service, const QString &endpoint,
                                           const QString &version, const QString &folder,
                                           ServeDeck::RolloutStrategy strategy, int weight = 10)
{
    ServeDeck::RolloutRequest r;
    r.modelVersion = version;
    r.modelFolder = folder;
    r.strategy = strategy;
    if (strategy == ServeDeck::RolloutStrategy::Canary)
        r.weight = weight;
    if (strategy == ServeDeck::RolloutStrategy::Progressive)
        r.steps = {weight, 50, 100};
    auto started = service.startRollout(endpoint, r);
    if (!started)
        qFatal("test set-up: %s", why(started.error()).constData());
    return *started;
}

// A second revision serving beside the current one with a replica count of its own (as a
// header-matched or shadow revision has), which no rollout shapes: the revision a canary
// rollout added, that rollout aborted, then given `replicas`. The reconciler makes its routes
// (new routes start dark, at weight 0). The store is written directly: the service has no
// call for a revision's own count.
inline QUuid addServingRevision(ServeDeck::ControlPlane &plane, const QString &endpoint, const QString &version,
                                const QString &folder, int replicas)
{
    using namespace ServeDeck;
    const RolloutInfo started = startRollout(plane.service(), endpoint, version, folder, RolloutStrategy::Canary);
    auto aborted = plane.service().actOnRollout(endpoint, started.rollout.id.toString(QUuid::WithoutBraces),
                                                RolloutAction::Abort);
    if (!aborted)
        qFatal("test set-up: %s", why(aborted.error()).constData());
    auto revision = plane.repository().revision(started.rollout.toRevisionId);
    if (!revision || !revision->has_value())
        qFatal("test set-up: the rollout's revision is not in the store");
    Revision r = **revision;
    r.replicas = replicas;
    if (auto updated = plane.repository().updateRevision(r); !updated)
        qFatal("test set-up: %s", why(updated.error()).constData());
    plane.reconciler()->scheduleSoon();
    return r.id;
}

// An endpoint's load replayed into `history` from `fromMs` to `toMs` at the sampler's pace (two
// samples a second): a slow wave of requests with noise, latency following it, its replicas
// (one per route given) with CPU and memory, and one of them restarting for half a minute seven
// minutes in. Seeded, so every run draws the same. For histories longer than a test can wait.
inline void replay(ServeDeck::MetricsHistory &history, const QUuid &endpointId, const QList<QUuid> &routes,
                   qint64 fromMs, qint64 toMs)
{
    using ServeDeck::RouteStatus;
    constexpr qint64 kSampleMs = 500;
    QRandomGenerator noise(42);
    for (qint64 t = fromMs; t <= toMs; t += kSampleMs) {
        const double minutes = double(t - fromMs) / 60000.0;
        const double rps = std::max(0.0, 38.0 + 22.0 * std::sin(minutes / 2.2) + noise.bounded(6.0));
        const bool restarting = minutes >= 7.0 && minutes < 7.5;
        ServeDeck::EndpointSample s;
        s.timeMs = t;
        s.requestsPerSecond = float(rps);
        s.errorRate = restarting ? 0.02f : 0.0f;
        s.p95Ms = float(9.0 + rps * 0.18 + (restarting ? 14.0 : 0.0) + noise.bounded(3.0));
        s.desired = quint16(routes.size());
        s.routes[int(RouteStatus::Healthy)] = quint16(routes.size() - (restarting ? 1 : 0));
        s.routes[int(RouteStatus::Unhealthy)] = restarting ? 1 : 0;
        history.append(endpointId, s);
        for (qsizetype i = 0; i < routes.size(); ++i) {
            ServeDeck::ReplicaSample r;
            r.timeMs = t;
            const bool down = restarting && i == routes.size() - 1;
            r.cpuPercent = down ? 0.0f : float(rps / double(routes.size()) * 1.6 + noise.bounded(5.0));
            r.memoryMiB = down ? 0.0f : float(118.0 + 6.0 * double(i) + minutes * 0.4 + noise.bounded(1.5));
            history.appendReplica(endpointId, routes.at(i), r);
        }
    }
}

// Grabs `widget` into build/screenshots/<name>.png; empty on success, else why not.
inline QString saveScreenshot(QWidget &widget, const QString &name)
{
    const QString binDir = qEnvironmentVariable("SERVEDECK_BIN_DIR");
    if (binDir.isEmpty())
        return u"SERVEDECK_BIN_DIR says where the screenshots go"_s;
    const QString folder = QDir(binDir).filePath(u"../screenshots"_s);
    if (!QDir().mkpath(folder))
        return u"cannot create "_s + folder;
    const QString file = QDir::cleanPath(QDir(folder).filePath(name + u".png"_s));
    // Layout and column fitting run a few event-loop turns after a change; test functions
    // follow each other without one.
    QTest::qWait(50);
    const QImage image = widget.grab().toImage();
    if (image.size() != widget.size())
        return u"grabbed %1x%2, the widget is %3x%4"_s.arg(image.width()).arg(image.height()).arg(widget.width()).arg(
            widget.height());
    if (!image.save(file, "PNG"))
        return u"cannot write "_s + file;
    // Something was drawn: a blank grab has one or two colours, a view with text has many.
    const QImage saved(file);
    QSet<QRgb> colours;
    for (int y = 0; y < saved.height(); y += 4) {
        for (int x = 0; x < saved.width(); x += 4)
            colours.insert(saved.pixel(x, y));
    }
    if (colours.size() <= 16)
        return u"only %1 colours in %2"_s.arg(colours.size()).arg(file);
    qInfo("screenshot: %s", qPrintable(file));
    return {};
}

} // namespace UiTest
