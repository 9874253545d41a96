// Compiled into every executable of a ThreadSanitizer build (SERVEDECK_SANITIZE=thread) only.
// Qt's headers tell TSan when a QMutex is locked and unlocked (qtsan_impl.h), but
// QWaitCondition::wait(QMutex *) unlocks and relocks the mutex inside libQt6Core, which is not
// instrumented: TSan then takes the waiting thread for the mutex's holder throughout the wait
// ("double lock" when another thread takes it, and false races on what it guards). This
// interposes the two QMutex overloads for ServeDeck's calls and tells TSan what they do,
// exactly as Qt's own inline QMutex code does; Qt's behaviour is unchanged.
#include <dlfcn.h>

#include <QDeadlineTimer>
#include <QMutex>
#include <QWaitCondition>

#include <sanitizer/tsan_interface.h>

namespace {

template<typename Function>
Function inQtCore(const char *symbol)
{
    void *found = dlsym(RTLD_NEXT, symbol);
    if (!found)
        qFatal("tsanqtwait: %s not found", symbol);
    return reinterpret_cast<Function>(found);
}

template<typename Wait>
bool unlockedWhile(QMutex *mutex, Wait wait)
{
    __tsan_mutex_pre_unlock(mutex, 0);
    __tsan_mutex_post_unlock(mutex, 0);
    const bool woken = wait();
    __tsan_mutex_pre_lock(mutex, 0);
    __tsan_mutex_post_lock(mutex, 0, 0);
    return woken;
}

} // namespace

bool QWaitCondition::wait(QMutex *lockedMutex, QDeadlineTimer deadline)
{
    using Real = bool (*)(QWaitCondition *, QMutex *, QDeadlineTimer);
    static const Real real = inQtCore<Real>("_ZN14QWaitCondition4waitEP6QMutex14QDeadlineTimer");
    return unlockedWhile(lockedMutex, [&] { return real(this, lockedMutex, deadline); });
}

bool QWaitCondition::wait(QMutex *lockedMutex, unsigned long time)
{
    using Real = bool (*)(QWaitCondition *, QMutex *, unsigned long);
    static const Real real = inQtCore<Real>("_ZN14QWaitCondition4waitEP6QMutexm");
    return unlockedWhile(lockedMutex, [&] { return real(this, lockedMutex, time); });
}

