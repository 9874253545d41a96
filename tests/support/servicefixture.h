#pragma once

#include <memory>

#include <QTemporaryDir>

#include "auth/tokensigner.h"
#include "service/modelservingservice.h"
#include "store/repository.h"
#include "support/manualclock.h"
#include "support/teststore.h"

namespace ServeDeck {

// A service over a fresh store (SQLite in a temporary dir, or TestStore's PostgreSQL), on a clock only the test moves: what
// each service suite sets up before every test function.
struct ServiceFixture
{
    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<Repository> repository;
    std::unique_ptr<TokenSigner> signer;
    std::unique_ptr<ManualClock> clock;
    std::unique_ptr<ModelServingService> service;

    // 8 cores, 16 GiB, no GPU, the demo models, the proxy's usual address.
    static ServiceConfig defaultConfig()
    {
        ServiceConfig config;
        config.capacity.total = {8, qint64(16) << 30, 0};
        config.proxyBaseUrl = QStringLiteral("http://127.0.0.1:7480");
        config.modelRoots = {qEnvironmentVariable("SERVEDECK_SOURCE_DIR") + QStringLiteral("/resources/models")};
        return config;
    }

    // Why the store could not be opened; empty when the service is ready.
    [[nodiscard]] QString open(const ServiceConfig &config, const QByteArray &signingKey = QByteArray(32, 'k'))
    {
        dir = std::make_unique<QTemporaryDir>();
        if (!dir->isValid())
            return QStringLiteral("no temporary dir: %1").arg(dir->errorString());
        // A SQLite file in dir, or a PostgreSQL database in the suites' _pg variants.
        const QString location = TestStore::location(*dir);
        if (location.isEmpty())
            return TestStore::lastError();
        const auto parsed = StoreLocation::parse(location);
        if (!parsed)
            return parsed.error().message;
        repository = std::make_unique<Repository>();
        if (auto opened = repository->open(*parsed); !opened)
            return opened.error().message;
        signer = std::make_unique<TokenSigner>(signingKey);
        clock = std::make_unique<ManualClock>();
        service = std::make_unique<ModelServingService>(*repository, *signer, config, *clock);
        return {};
    }

    // The service first: it may still write to the store as it goes.
    void close()
    {
        service.reset();
        repository.reset();
        dir.reset();
    }
};

} // namespace ServeDeck
