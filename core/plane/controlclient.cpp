#include "controlclient.h"

#include "jobs/jobqueue.h"
#include "notify/notifier.h"
#include "plane/controlthread.h"
#include "store/repository.h"

namespace ServeDeck {

ControlClient::ControlClient(QObject *parent)
    : QObject(parent)
{
    registerTypes();
}

ControlClient::ControlClient(ControlPlane &plane, QObject *parent)
    : QObject(parent)
{
    registerTypes();
    attach(plane);
}

ControlClient::~ControlClient()
{
    // The loop ends behind the work already queued to it, so a Scale or Create clicked just
    // before quitting still reaches the store while the plane is whole; the plane then stops
    // (replicas first) on its own thread. Answers and events still queued to this object go
    // with it.
    if (m_thread && m_host) {
        QMetaObject::invokeMethod(m_host, [] { QThread::currentThread()->quit(); }, Qt::QueuedConnection);
        m_thread->wait();
    }
    m_thread.reset();
}

void ControlClient::registerTypes()
{
    qRegisterMetaType<ServeDeck::ErrorRecord>();
    qRegisterMetaType<ServeDeck::ScaleEvent>();
    qRegisterMetaType<ServeDeck::AutoscaleSettings>();
    qRegisterMetaType<ServeDeck::PlaneSample>();
    qRegisterMetaType<ServeDeck::NotificationEvent>();
    qRegisterMetaType<ServeDeck::NotificationDelivery>();
    qRegisterMetaType<ServeDeck::Job>();
}

Result<Done> ControlClient::start(const ControlPlaneOptions &options)
{
    if (m_thread || m_service)
        return makeError(ErrorType::InvalidArgument, QStringLiteral("the control plane has started already"));
    auto thread = std::make_unique<ControlThread>(options, [this](ControlPlane &plane) { attach(plane); });
    Result<Done> started = thread->startPlane();
    if (!started) {
        thread.reset();
        m_service = nullptr;
        m_host = nullptr;
        m_plane = nullptr;
        return started;
    }
    m_thread = std::move(thread);
    return started;
}

void ControlClient::attach(ControlPlane &plane)
{
    // Signal to signal: queued when the plane has a thread of its own, direct when it shares ours.
    ModelServingService *service = &plane.service();
    connect(service, &ModelServingService::endpointChanged, this, &ControlClient::endpointChanged);
    connect(service, &ModelServingService::endpointRemoved, this, &ControlClient::endpointRemoved);
    connect(service, &ModelServingService::routesChanged, this, &ControlClient::routesChanged);
    connect(service, &ModelServingService::rulesChanged, this, &ControlClient::rulesChanged);
    connect(service, &ModelServingService::errorRecorded, this, &ControlClient::errorRecorded);
    connect(service, &ModelServingService::errorsCleared, this, &ControlClient::errorsCleared);
    connect(service, &ModelServingService::scaled, this, &ControlClient::scaled);
    connect(service, &ModelServingService::tokensChanged, this, &ControlClient::tokensChanged);
    connect(service, &ModelServingService::rolloutChanged, this, &ControlClient::rolloutChanged);
    connect(service, &ModelServingService::autoscaleSettingsChanged, this, &ControlClient::autoscaleSettingsChanged);
    connect(service, &ModelServingService::agentRevoked, this, &ControlClient::agentRevoked);
    if (EndpointMetricsSampler *sampler = plane.metrics()) {
        Repository *repository = &plane.repository();
        // Copied on the plane's thread right after the sample (direct), emitted from there: the
        // GUI gets a value, never the sampler. The context is this client, so a client that goes
        // before a plane it does not own (one shared with its thread) is disconnected with it.
        connect(sampler, &EndpointMetricsSampler::sampled, this, [this, sampler, repository] {
            PlaneSample sample;
            sample.agents = sampler->agents();
            if (auto endpoints = repository->endpoints()) {
                for (const Endpoint &e : std::as_const(*endpoints)) {
                    if (auto load = sampler->latest(e.id))
                        sample.loads.insert(e.id, *load);
                }
            }
            Q_EMIT sampled(sample);
        }, Qt::DirectConnection);
    }
    if (Notifier *notifier = plane.notifier()) {
        connect(notifier, &Notifier::desktopNotification, this, &ControlClient::notificationRaised);
        connect(notifier, &Notifier::delivered, this, &ControlClient::notificationDelivered);
    }
    // Jobs (issue 17): the queue exists once the plane has started, as it has here.
    if (JobQueue *jobs = plane.jobs())
        connect(jobs, &JobQueue::jobChanged, this, &ControlClient::jobChanged);
    // Issue 18: what other consoles committed, as the signals the views already follow.
    qRegisterMetaType<ServeDeck::SharedChanges>();
    connect(&plane, &ControlPlane::sharedChanges, this, [this](const SharedChanges &changes) {
        // One signal per item, kind by kind, in the order the views have always seen them.
        const auto emitEach = [this](const auto &items, auto signal) {
            for (const auto &item : items)
                Q_EMIT (this->*signal)(item);
        };
        emitEach(changes.endpointsChanged, &ControlClient::endpointChanged);
        emitEach(changes.endpointsRemoved, &ControlClient::endpointRemoved);
        emitEach(changes.routesChanged, &ControlClient::routesChanged);
        emitEach(changes.rulesChanged, &ControlClient::rulesChanged);
        emitEach(changes.tokensChanged, &ControlClient::tokensChanged);
        for (const auto &[endpointId, rolloutId] : changes.rolloutsChanged)
            Q_EMIT rolloutChanged(endpointId, rolloutId);
        emitEach(changes.errorsCleared, &ControlClient::errorsCleared);
        emitEach(changes.errorsRecorded, &ControlClient::errorRecorded);
        emitEach(changes.scaleEvents, &ControlClient::scaled);
        emitEach(changes.agentsRevoked, &ControlClient::agentRevoked);
        emitEach(changes.jobsChanged, &ControlClient::jobChanged);
    });
    m_facts.apiAddress = plane.apiAddress();
    m_facts.proxyAddress = plane.proxyAddress();
    m_facts.dataDir = plane.dataDir();
    m_facts.adminTokenFile = plane.adminTokenFile();
    m_facts.signingKeyBackend = plane.signingKeyBackend();
    m_facts.hasAgents = plane.deployer() != nullptr;
    m_facts.agentJoinString = plane.agentJoinString();
    m_host = &plane;
    m_plane = &plane;
    m_service = service;
}

} // namespace ServeDeck
