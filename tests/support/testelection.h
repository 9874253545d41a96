#pragma once

// A leader election for the leadership suites: one node of a plane on a test database, with the
// lease the suite wants.
#include <memory>

#include "plane/leaderelection.h"
#include "store/storelocation.h"

inline std::unique_ptr<ServeDeck::LeaderElection> testElection(const ServeDeck::StoreLocation &location,
                                                               const QString &nodeId, const QString &nodeName,
                                                               int leaseMs,
                                                               int renewMs = ServeDeck::LeaderElectionOptions().renewMs)
{
    ServeDeck::LeaderElectionOptions options;
    options.nodeId = nodeId;
    options.nodeName = nodeName;
    options.leaseMs = leaseMs;
    options.renewMs = renewMs;
    return std::make_unique<ServeDeck::LeaderElection>(location, options);
}
