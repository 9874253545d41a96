#pragma once

#include <functional>

#include <QStringList>
#include <QUuid>

#include "domain/result.h"

namespace ServeDeck {

class Clock;
class Repository;

// The ledger of what was actually reserved: one interval per route for as long as it holds its
// endpoint's resources (the routes capacity accounting counts: Route::holdsCapacity). Event
// driven and exact: the plane calls routesChanged() whenever an endpoint's routes change, and it
// opens and closes intervals at the clock's now. Runs on the control thread.
class UsageLedger final
{
    Q_DISABLE_COPY_MOVE(UsageLedger)

public:
    // The GPU devices a route's replica was given, as "agent:index"; empty while not known.
    using DeviceSource = std::function<QStringList(const QUuid &routeId)>;

    UsageLedger(Repository &repository, Clock &clock);

    void setDeviceSource(DeviceSource source) { m_devices = std::move(source); }

    // Re-reads the endpoint's routes (none once it is gone): opens an interval for each route that
    // holds resources and has none, closes those whose route no longer does.
    Result<Done> routesChanged(const QUuid &endpointId);
    // routesChanged() for every endpoint that has routes or open intervals.
    Result<Done> refreshAll();
    // At start: closes what a crash left open, at the end of the last usage sample (the last time
    // the plane is known to have run) or, without samples, at now; then reopens from the routes.
    Result<int> recover();

private:
    Repository &m_repository;
    Clock &m_clock;
    DeviceSource m_devices;
};

} // namespace ServeDeck
