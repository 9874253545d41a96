#include "cudamemoryhold.h"

#include <QFile>

#include <dlfcn.h>

namespace ServeDeck {

namespace {

// From cuda.h: the few driver calls used, with their ABI types. CUresult is a C enum (an int).
using CUresult = int;
using CUdevice = int;
using CUcontext = struct CUctx_st *;
using CUdeviceptr = unsigned long long;  // the _v2 calls' pointer type
constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_OUT_OF_MEMORY = 2;

struct Driver
{
    CUresult (*init)(unsigned int);
    CUresult (*deviceGet)(CUdevice *, int);
    CUresult (*deviceName)(char *, int, CUdevice);
    CUresult (*totalMem)(size_t *, CUdevice);
    CUresult (*ctxCreate)(CUcontext *, unsigned int, CUdevice);
    CUresult (*memAlloc)(CUdeviceptr *, size_t);
    CUresult (*errorString)(CUresult, const char **);

    QString describe(const char *call, CUresult code) const
    {
        const char *text = nullptr;
        if (errorString)
            errorString(code, &text);
        return QStringLiteral("%1 failed: %2 (%3)")
            .arg(QLatin1StringView(call), text ? QString::fromUtf8(text).left(200) : QStringLiteral("unknown error"))
            .arg(code);
    }
};

} // namespace

CudaMemoryHold::Outcome CudaMemoryHold::allocate(qint64 mib, const QString &library, QString *said)
{
    // Never closed: the context and the memory live as long as the process.
    void *handle = ::dlopen(QFile::encodeName(library).constData(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *error = ::dlerror();
        *said = QStringLiteral("--gpu-memory-mb needs the NVIDIA driver's %1, which cannot be loaded: %2")
                    .arg(library, error ? QString::fromLocal8Bit(error) : QStringLiteral("not found"));
        return Outcome::NoDriver;
    }
    Driver d{};
    QString missing;
    const auto resolve = [&](auto &function, const char *symbol) {
        // POSIX guarantees that dlsym's object pointer converts to a function pointer.
        function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(::dlsym(handle, symbol));
        if (!function && missing.isEmpty())
            missing = QLatin1StringView(symbol);
    };
    resolve(d.init, "cuInit");
    resolve(d.deviceGet, "cuDeviceGet");
    resolve(d.deviceName, "cuDeviceGetName");
    resolve(d.totalMem, "cuDeviceTotalMem_v2");
    resolve(d.ctxCreate, "cuCtxCreate_v2");
    resolve(d.memAlloc, "cuMemAlloc_v2");
    resolve(d.errorString, "cuGetErrorString");
    if (!missing.isEmpty()) {
        *said = QStringLiteral("%1 has no %2").arg(library, missing);
        return Outcome::NoDriver;
    }
    if (const CUresult code = d.init(0); code != CUDA_SUCCESS) {
        *said = d.describe("cuInit", code);
        return Outcome::NoDriver;
    }
    CUdevice device = 0;
    if (const CUresult code = d.deviceGet(&device, 0); code != CUDA_SUCCESS) {
        *said = d.describe("cuDeviceGet(0)", code);
        return Outcome::Failed;
    }
    char name[256] = {};
    if (d.deviceName(name, int(sizeof name) - 1, device) != CUDA_SUCCESS)
        qstrcpy(name, "unknown device");
    size_t total = 0;
    if (d.totalMem(&total, device) != CUDA_SUCCESS)
        total = 0;
    CUcontext context = nullptr;
    if (const CUresult code = d.ctxCreate(&context, 0, device); code != CUDA_SUCCESS) {
        *said = d.describe("cuCtxCreate", code);
        return code == CUDA_ERROR_OUT_OF_MEMORY ? Outcome::OutOfMemory : Outcome::Failed;
    }
    const size_t bytes = size_t(mib) << 20;
    CUdeviceptr pointer = 0;
    if (const CUresult code = d.memAlloc(&pointer, bytes); code != CUDA_SUCCESS) {
        // Worded as PyTorch words it, so the agent reads the device and the size from the log.
        *said = code == CUDA_ERROR_OUT_OF_MEMORY
            ? QStringLiteral("CUDA error: out of memory. Tried to allocate %1 MiB (GPU 0; %2 MiB total capacity; %3)")
                  .arg(mib)
                  .arg(qint64(total >> 20))
                  .arg(QString::fromUtf8(name))
            : d.describe("cuMemAlloc", code);
        return code == CUDA_ERROR_OUT_OF_MEMORY ? Outcome::OutOfMemory : Outcome::Failed;
    }
    *said = QStringLiteral("holding %1 MiB of GPU memory on CUDA device 0 (%2, %3 MiB)")
                .arg(mib)
                .arg(QString::fromUtf8(name))
                .arg(qint64(total >> 20));
    return Outcome::Held;
}

} // namespace ServeDeck
