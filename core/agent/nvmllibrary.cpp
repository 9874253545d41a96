#include "nvmllibrary.h"

#include <QFile>

#include <dlfcn.h>

namespace ServeDeck {

namespace {

// From nvml.h (the declarations a driver's libnvidia-ml.so.1 has exported since the _v2 calls
// arrived, CUDA 5+). nvmlReturn_t is a C enum: an int in the ABI.
using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st *;
struct nvmlMemory_t
{
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};
struct nvmlUtilization_t
{
    unsigned int gpu;
    unsigned int memory;
};
constexpr nvmlReturn_t NVML_SUCCESS = 0;
constexpr nvmlReturn_t NVML_ERROR_NOT_SUPPORTED = 3;
// NVML_DEVICE_NAME_V2_BUFFER_SIZE and NVML_DEVICE_UUID_V2_BUFFER_SIZE.
constexpr unsigned int kNameBufferSize = 96;
constexpr unsigned int kUuidBufferSize = 96;
// Far above any machine's device count; bounds what a broken library can make us loop over.
constexpr unsigned int kMaxDevices = 64;

} // namespace

struct NvmlLibrary::Api
{
    nvmlReturn_t (*init)();
    nvmlReturn_t (*shutdown)();
    nvmlReturn_t (*deviceCount)(unsigned int *);
    nvmlReturn_t (*handleByIndex)(unsigned int, nvmlDevice_t *);
    nvmlReturn_t (*name)(nvmlDevice_t, char *, unsigned int);
    nvmlReturn_t (*uuid)(nvmlDevice_t, char *, unsigned int);
    nvmlReturn_t (*memoryInfo)(nvmlDevice_t, nvmlMemory_t *);
    nvmlReturn_t (*utilization)(nvmlDevice_t, nvmlUtilization_t *);
    const char *(*errorString)(nvmlReturn_t);

    QString describe(const char *call, nvmlReturn_t code) const
    {
        const char *text = errorString ? errorString(code) : nullptr;
        return QStringLiteral("%1 failed: %2 (%3)")
            .arg(QLatin1StringView(call), text ? QString::fromUtf8(text).left(200) : QStringLiteral("unknown error"))
            .arg(code);
    }
};

NvmlLibrary::~NvmlLibrary()
{
    if (m_initialized)
        m_api->shutdown();
    delete m_api;
    if (m_handle)
        ::dlclose(m_handle);
}

bool NvmlLibrary::load(const QString &path, QString *why)
{
    m_handle = ::dlopen(QFile::encodeName(path).constData(), RTLD_NOW | RTLD_LOCAL);
    if (!m_handle) {
        const char *error = ::dlerror();
        *why = QStringLiteral("cannot load %1: %2").arg(path, error ? QString::fromLocal8Bit(error) : QStringLiteral("not found"));
        return false;
    }
    m_api = new Api{};
    bool missing = false;
    const auto resolve = [&](auto &function, const char *symbol) {
        // POSIX guarantees that dlsym's object pointer converts to a function pointer.
        function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(::dlsym(m_handle, symbol));
        if (!function && !missing) {
            missing = true;
            *why = QStringLiteral("%1 has no %2").arg(path, QLatin1StringView(symbol));
        }
    };
    resolve(m_api->init, "nvmlInit_v2");
    resolve(m_api->shutdown, "nvmlShutdown");
    resolve(m_api->deviceCount, "nvmlDeviceGetCount_v2");
    resolve(m_api->handleByIndex, "nvmlDeviceGetHandleByIndex_v2");
    resolve(m_api->name, "nvmlDeviceGetName");
    resolve(m_api->uuid, "nvmlDeviceGetUUID");
    resolve(m_api->memoryInfo, "nvmlDeviceGetMemoryInfo");
    resolve(m_api->utilization, "nvmlDeviceGetUtilizationRates");
    resolve(m_api->errorString, "nvmlErrorString");
    if (missing)
        return false;
    // Without a driver (a library left behind, a container without the device) this fails.
    if (const nvmlReturn_t code = m_api->init(); code != NVML_SUCCESS) {
        *why = m_api->describe("nvmlInit_v2", code);
        return false;
    }
    m_initialized = true;
    return true;
}

std::optional<QList<GpuInfo>> NvmlLibrary::read(QString *why) const
{
    if (!m_initialized) {
        *why = QStringLiteral("NVML is not loaded");
        return std::nullopt;
    }
    unsigned int count = 0;
    if (const nvmlReturn_t code = m_api->deviceCount(&count); code != NVML_SUCCESS) {
        *why = m_api->describe("nvmlDeviceGetCount_v2", code);
        return std::nullopt;
    }
    QList<GpuInfo> gpus;
    for (unsigned int i = 0; i < std::min(count, kMaxDevices); ++i) {
        nvmlDevice_t device = nullptr;
        if (const nvmlReturn_t code = m_api->handleByIndex(i, &device); code != NVML_SUCCESS) {
            *why = m_api->describe("nvmlDeviceGetHandleByIndex_v2", code);
            return std::nullopt;
        }
        char name[kNameBufferSize] = {};
        char uuid[kUuidBufferSize] = {};
        if (const nvmlReturn_t code = m_api->name(device, name, kNameBufferSize); code != NVML_SUCCESS) {
            *why = m_api->describe("nvmlDeviceGetName", code);
            return std::nullopt;
        }
        if (const nvmlReturn_t code = m_api->uuid(device, uuid, kUuidBufferSize); code != NVML_SUCCESS) {
            *why = m_api->describe("nvmlDeviceGetUUID", code);
            return std::nullopt;
        }
        GpuInfo gpu;
        // NVML's enumeration order is nvidia-smi's index, the one CUDA_VISIBLE_DEVICES names.
        gpu.index = int(i);
        gpu.name = QString::fromUtf8(name, qstrnlen(name, kNameBufferSize));
        gpu.uuid = QString::fromUtf8(uuid, qstrnlen(uuid, kUuidBufferSize));
        // A device may not report memory or utilization (nvidia-smi's "[N/A]"): 0, as there.
        nvmlMemory_t memory{};
        if (const nvmlReturn_t code = m_api->memoryInfo(device, &memory); code == NVML_SUCCESS) {
            gpu.memoryTotalBytes = qint64(memory.total);
            gpu.memoryUsedBytes = qint64(memory.used);
        } else if (code != NVML_ERROR_NOT_SUPPORTED) {
            *why = m_api->describe("nvmlDeviceGetMemoryInfo", code);
            return std::nullopt;
        }
        nvmlUtilization_t utilization{};
        if (const nvmlReturn_t code = m_api->utilization(device, &utilization); code == NVML_SUCCESS) {
            gpu.utilizationPercent = int(std::min(utilization.gpu, 100u));
        } else if (code != NVML_ERROR_NOT_SUPPORTED) {
            *why = m_api->describe("nvmlDeviceGetUtilizationRates", code);
            return std::nullopt;
        }
        gpus.append(gpu);
    }
    return gpus;
}

} // namespace ServeDeck
