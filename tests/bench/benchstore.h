#pragma once

// What the reconciler benchmarks share: a store filled with ready endpoints, each with one
// revision and its healthy routes, written in one transaction.
#include <QUuid>

#include "domain/clock.h"
#include "store/repository.h"

namespace BenchSupport {

inline ServeDeck::Result<ServeDeck::Done> fillStore(ServeDeck::Repository &repository, const ServeDeck::Clock &clock,
                                                    int endpoints, int perEndpoint)
{
    using namespace ServeDeck;
    return repository.transaction<Done>([&]() -> Result<Done> {
        for (int i = 0; i < endpoints; ++i) {
            Endpoint e;
            e.id = QUuid::createUuid();
            e.name = QStringLiteral("ep-%1").arg(i);
            e.modelVersion = QStringLiteral("v1");
            e.modelFolder = QStringLiteral("/models/x");
            e.runtimeVariant = QStringLiteral("custom");
            e.resourceSlots = {1, qint64(1) << 30, 0};
            e.resourceGroup = QStringLiteral("default");
            e.replicas = perEndpoint;
            e.lifecycle = EndpointLifecycle::Ready;
            e.url = QStringLiteral("http://127.0.0.1:7480/") + e.name;
            e.createdAt = e.updatedAt = clock.now();
            Revision rev;
            rev.id = QUuid::createUuid();
            rev.endpointId = e.id;
            rev.modelVersion = e.modelVersion;
            rev.modelFolder = e.modelFolder;
            rev.runtimeVariant = e.runtimeVariant;
            rev.createdAt = clock.now();
            e.currentRevisionId = rev.id;
            if (auto r = repository.insertEndpoint(e); !r)
                return r.error();
            if (auto r = repository.insertRevision(rev); !r)
                return r.error();
            for (int k = 0; k < perEndpoint; ++k) {
                Route route;
                route.id = QUuid::createUuid();
                route.endpointId = e.id;
                route.revisionId = rev.id;
                route.status = RouteStatus::Healthy;
                route.replicaId = QStringLiteral("local:%1:%2").arg(i).arg(k);
                route.agentId = QStringLiteral("local");
                route.createdAt = route.updatedAt = clock.now();
                if (auto r = repository.insertRoute(route); !r)
                    return r.error();
            }
        }
        return Done{};
    });
}

} // namespace BenchSupport
