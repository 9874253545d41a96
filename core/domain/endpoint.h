#pragma once

#include <optional>

#include <QDateTime>
#include <QStringList>
#include <QUuid>

#include "circuitbreakersettings.h"
#include "headermatch.h"
#include "resourceslots.h"

namespace ServeDeck {

enum class EndpointLifecycle { Created, Ready, Destroying, Terminated };
QString lifecycleName(EndpointLifecycle lifecycle);

// Names the proxy serves at its root for itself (/v1 is its OpenAI front door, /metrics,
// /healthz, ...): no endpoint may have one as its name or alias.
const QStringList &reservedEndpointNames();
std::optional<EndpointLifecycle> lifecycleFromName(const QString &name);

// The desired state of one served model; routes (below) are its replicas.
struct Endpoint
{
    QUuid id;
    QString name;
    // Other names the proxy's OpenAI front door routes to it by a request's `model`: unique
    // across every live endpoint's names and aliases. Stored by Repository::setEndpointAliases.
    QStringList aliases;
    QString modelVersion;
    QString modelFolder;
    QString runtimeVariant;
    ResourceSlots resourceSlots;
    QString resourceGroup;
    int replicas = 0;
    bool isPublic = false;
    EndpointLifecycle lifecycle = EndpointLifecycle::Created;
    int retries = 0;
    QString url;
    QUuid currentRevisionId;
    CircuitBreakerSettings circuitBreaker;
    // Contention for capacity: the pending queue is ordered by priority (higher first), then age.
    int priority = 0;
    // Whether a replica that does not fit waits PENDING. Unset: only scale-outs by rules queue;
    // manual creates and scales get InsufficientResources / ResourceLimitExceeded.
    std::optional<bool> queueWhenFull;
    // May this endpoint's replicas be stopped for a higher-priority endpoint's?
    bool allowPreemption = false;
    // The p95 the operator wants (ms): what recommendations judge a replica's throughput by. None: unset.
    std::optional<int> latencyTargetMs;
    // At most this many of its jobs run at once; 0: the plane's default, HEALTHY replicas x the
    // per-replica limit (`serve --job-concurrency-per-replica`). A model that serves one request
    // at a time well (or a backend behind it that should not be flooded) wants fewer.
    int jobConcurrency = 0;
    QDateTime createdAt;
    QDateTime updatedAt;

    bool isLive() const { return lifecycle == EndpointLifecycle::Created || lifecycle == EndpointLifecycle::Ready; }

    static constexpr int kMinPriority = -1000;
    static constexpr int kMaxPriority = 1000;
    static constexpr int kMinLatencyTargetMs = 1;
    static constexpr int kMaxLatencyTargetMs = 600000;  // ten minutes: longer is no target
    static constexpr int kMaxJobConcurrency = 10000;    // above the dispatcher's 1,024 connections anyway
};

// How a revision takes part in its endpoint's traffic. Serve: its routes answer requests (those
// that match its header condition, if it has one). Shadow: its routes get a copy of every request
// the endpoint serves and never answer one (the shadow A/B pattern).
enum class RevisionMode { Serve, Shadow };
QString revisionModeName(RevisionMode mode);  // "serve", "shadow"
std::optional<RevisionMode> revisionModeFromName(const QString &name);

// One deployable version of an endpoint: create makes revision 1, modify with a new model adds the next.
struct Revision
{
    QUuid id;
    QUuid endpointId;
    int number = 1;
    QString modelVersion;
    QString modelFolder;
    QString runtimeVariant;
    QDateTime createdAt;
    std::optional<HeaderMatch> matchHeader;  // none: takes the requests no condition matches
    RevisionMode mode = RevisionMode::Serve;
    // Its own replica count, when it is not the endpoint's current revision (whose count is the
    // endpoint's) and no rollout is shaping it: a shadow or a header-matched revision.
    int replicas = 0;
};

} // namespace ServeDeck
