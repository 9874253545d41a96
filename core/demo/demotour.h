#pragma once

#include <functional>
#include <memory>

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUuid>

#include "domain/modeldefinition.h"

namespace ServeDeck {

class ControlClient;
class TrafficRunner;
class ModelServingService;

struct DemoStep
{
    enum class State { Pending, Running, Ok, Failed, Skipped };
    QString title;
    QString explanation;
    State state = State::Pending;
    QString detail;  // what was checked, or why it failed
};

struct DemoTourOptions
{
    // Names the operator's endpoints cannot clash with unnoticed: the tour refuses to start when
    // this one exists, and never touches an endpoint it did not create.
    QString endpointName = QStringLiteral("demo-iris");
    QString stableFolder = QStringLiteral("iris-v1");
    QString canaryFolder = QStringLiteral("iris-v2");
    // The traffic: a seasonal pattern between these rates (requests per second) over this period.
    double minRate = 20;
    double maxRate = 40;
    qint64 periodMs = 20000;
    int stepTimeoutMs = 45000;    // every wait is bounded by this
    bool pauseBetweenSteps = false;  // wait for next() after each step
};

// A guided walk through the system on the bundled iris models, driven through ControlClient
// only (asynchronous; works on a console's plane and on one started for it): deploy, traffic,
// autoscaling, a canary with its weight moved, a killed replica and its recorded error, and a
// clean-up that always runs, also after a failure or a cancel. Lives on the caller's thread.
class DemoTour final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoTour)

public:
    enum Step { Deploy, Traffic, Autoscale, Canary, KillReplica, CleanUp, StepCount };

    DemoTour(ControlClient &client, DemoTourOptions options, QObject *parent = nullptr);
    // Stops the traffic and, when the tour has not cleaned up yet, queues the endpoint's delete.
    ~DemoTour() override;

    const QList<DemoStep> &steps() const { return m_steps; }
    int current() const { return m_current; }  // -1 before start()
    bool isFinished() const { return m_finished; }
    bool succeeded() const;
    // The first failed step's title; empty when none failed.
    QString failedStep() const;

    void start();
    void next();    // with pauseBetweenSteps: go on to the next step
    void cancel();  // skips what is left and cleans up

Q_SIGNALS:
    void stepChanged(int index);
    void waitingForNext(int nextIndex);
    void finished(bool ok);

public:
    // What one look at the service found; run on the plane's thread.
    struct Probe
    {
        enum Verdict { Wait, Pass, Fail } verdict = Wait;
        QString detail;
    };
    using ProbeWork = std::function<Probe(ModelServingService &)>;

private:
    void runStep(int index);
    void beginDeploy();
    void beginTraffic();
    void beginAutoscale();
    void beginCanary();
    void beginKill();
    void beginCleanUp();
    // Calls work once, then repeatedly until it passes or fails or the step's time is up.
    void waitFor(ProbeWork work, std::function<void(const QString &)> onPass);
    // The same with a check on this thread (the traffic's counts).
    void waitLocally(std::function<Probe()> check, std::function<void(const QString &)> onPass);
    void pass(const QString &detail);
    void fail(const QString &reason);
    void finish();
    QString elapsedSeconds() const;  // since the step began, "2.4"

    ControlClient &m_client;
    const DemoTourOptions m_options;
    QList<DemoStep> m_steps;
    int m_current = -1;
    bool m_finished = false;
    bool m_cancelled = false;
    bool m_waitingForNext = false;
    quint64 m_generation = 0;  // answers of an earlier wait are dropped
    QElapsedTimer m_stepClock;
    // Written only on the plane's thread, by the create and the delete: the id of the endpoint
    // this tour made (null: none), so a clean-up queued behind an unanswered create still finds it.
    std::shared_ptr<QUuid> m_created = std::make_shared<QUuid>();
    bool m_cleanUpQueued = false;
    QString m_url;  // the endpoint's, once deployed
    // How to call the model, from its definition (read on the plane's thread while deploying).
    std::shared_ptr<std::optional<RequestHints>> m_hints = std::make_shared<std::optional<RequestHints>>();
    QString m_rolloutId;
    std::unique_ptr<TrafficRunner> m_traffic;
};

} // namespace ServeDeck
