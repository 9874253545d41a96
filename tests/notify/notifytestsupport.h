#pragma once

#include <memory>

#include <QTemporaryDir>
#include <QTest>

#include "domain/endpoint.h"
#include "domain/result.h"
#include "notify/notifier.h"
#include "store/repository.h"
#include "support/manualclock.h"
#include "support/testendpoint.h"
#include "support/verifyok.h"

namespace ServeDeck {

// A real store in a temporary folder, a manual clock at t0, a Notifier over both, and one
// endpoint "iris" in the store: what each notifications suite starts from.
struct NotifyTestStore
{
    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<Repository> repository;
    std::unique_ptr<ManualClock> clock;
    std::unique_ptr<Notifier> notifier;
    Endpoint endpoint;

    // Call from init(), then return if QTest::currentTestFailed(): a step that fails fails the test.
    void open(const QDateTime &t0)
    {
        dir = std::make_unique<QTemporaryDir>();
        QVERIFY(dir->isValid());
        repository = std::make_unique<Repository>();
        VERIFY_OK(repository->open(dir->filePath(QStringLiteral("servedeck.db"))));
        clock = std::make_unique<ManualClock>(t0);
        notifier = std::make_unique<Notifier>(*repository, *clock);
        endpoint = testEndpoint(QStringLiteral("iris"), t0);
        VERIFY_OK(repository->insertEndpoint(endpoint));
    }

    // The notifier before the store it writes to.
    void close()
    {
        notifier.reset();
        repository.reset();
        clock.reset();
        dir.reset();
    }
};

} // namespace ServeDeck
