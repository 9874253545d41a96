#pragma once

#include <memory>
#include <type_traits>

#include <QHash>
#include <QList>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QUuid>

#include "agent/agentconnector.h"
#include "domain/job.h"
#include "notify/notificationtypes.h"
#include "plane/controlplane.h"
#include "service/endpointmetricssampler.h"
#include "service/modelservingservice.h"

namespace ServeDeck {

class ControlThread;

// What one sample of the plane saw, copied for the GUI thread: each endpoint's load and the
// agents' status (a local agent runs nvidia-smi for it, so nobody asks again).
struct PlaneSample
{
    QHash<QUuid, EndpointLoad> loads;
    QList<AgentStatus> agents;
};

// What does not change once the plane has started, copied once.
struct PlaneFacts
{
    QString apiAddress;  // host:port, empty when the API is off
    QString proxyAddress;
    QString dataDir;
    QString adminTokenFile;
    QString signingKeyBackend;
    bool hasAgents = false;  // the plane runs replicas (through a deployer)
    QString agentJoinString;  // what `servedeck agent --join` takes; empty when agents cannot join
};

// The GUI's only way to the control plane. In the console the plane lives on a control thread of
// its own (start()): a call's work is queued to that thread and its answer queued back to the
// caller's context, dropped if the context has gone; the service's and the sampler's events are
// re-emitted here, queued. For tests that drive a plane living on their own thread, the
// attaching constructor runs each call at once.
class ControlClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ControlClient)

public:
    // A plane on a control thread of its own: call start().
    explicit ControlClient(QObject *parent = nullptr);
    // A plane already running on this thread, not owned.
    explicit ControlClient(ControlPlane &plane, QObject *parent = nullptr);
    // Stops and destroys a plane started here, on its thread, and waits for it.
    ~ControlClient() override;

    // Makes and starts the plane on the control thread; waits for that (before a window shows).
    Result<Done> start(const ControlPlaneOptions &options);

    const PlaneFacts &facts() const { return m_facts; }
    bool ownsThread() const { return m_thread != nullptr; }

    // Runs work(ModelServingService &) on the plane's thread, then then(result) on this one if
    // `context` still exists. Called on the client's own (the GUI) thread; work must not touch
    // GUI objects, and gets copies of what it needs. A work taking ControlPlane & gets the plane
    // (what is not the service's: its Notifier).
    template<typename Work, typename Then>
    void call(QObject *context, Work work, Then then);

    static void registerTypes();

Q_SIGNALS:
    void endpointChanged(const QUuid &endpointId);
    void endpointRemoved(const QUuid &endpointId);
    void routesChanged(const QUuid &endpointId);
    void rulesChanged(const QUuid &endpointId);
    void errorRecorded(const ServeDeck::ErrorRecord &record);
    void errorsCleared(const QUuid &endpointId);
    void scaled(const ServeDeck::ScaleEvent &event);
    void tokensChanged(const QUuid &endpointId);
    void rolloutChanged(const QUuid &endpointId, const QUuid &rolloutId);
    void autoscaleSettingsChanged(const ServeDeck::AutoscaleSettings &settings);
    void sampled(const ServeDeck::PlaneSample &sample);
    void agentRevoked(const QString &agentId);
    // The Notifier's, re-emitted queued: an event for Desktop channels, and every delivery.
    void notificationRaised(const ServeDeck::NotificationEvent &event);
    void notificationDelivered(const ServeDeck::NotificationDelivery &delivery);
    // Jobs (issue 17): the JobQueue's every change and submission, re-emitted queued.
    void jobChanged(const ServeDeck::Job &job);

private:
    // On the plane's thread: its events forwarded here, its facts copied.
    void attach(ControlPlane &plane);

    PlaneFacts m_facts;
    QObject *m_host = nullptr;  // lives on the plane's thread: work is queued to it
    ModelServingService *m_service = nullptr;
    ControlPlane *m_plane = nullptr;
    std::unique_ptr<ControlThread> m_thread;
};

template<typename Work, typename Then>
void ControlClient::call(QObject *context, Work work, Then then)
{
    // The service unless the work takes the plane.
    using Target = std::conditional_t<std::is_invocable_v<Work &, ModelServingService &>, ModelServingService,
                                      ControlPlane>;
    using Answer = std::invoke_result_t<Work &, Target &>;
    if (!m_service)
        return;
    Target *target = nullptr;
    if constexpr (std::is_same_v<Target, ModelServingService>)
        target = m_service;
    else
        target = m_plane;
    if (!m_thread) {
        then(work(*target));
        return;
    }
    QPointer<QObject> guard(context);
    QMetaObject::invokeMethod(
        m_host,
        [this, target, guard, work = std::move(work), then = std::move(then)]() mutable {
            auto answer = std::make_shared<Answer>(work(*target));
            QMetaObject::invokeMethod(
                this,
                [guard, then = std::move(then), answer]() mutable {
                    if (guard)
                        then(std::move(*answer));
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace ServeDeck

Q_DECLARE_METATYPE(ServeDeck::ErrorRecord)
Q_DECLARE_METATYPE(ServeDeck::ScaleEvent)
Q_DECLARE_METATYPE(ServeDeck::AutoscaleSettings)
Q_DECLARE_METATYPE(ServeDeck::PlaneSample)
