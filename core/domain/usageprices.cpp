#include "usageprices.h"

#include <algorithm>
#include <cmath>

namespace ServeDeck {

namespace {

bool validPrice(const std::optional<double> &price)
{
    return !price || (std::isfinite(*price) && *price >= 0 && *price <= UsagePrices::kMaxPrice);
}

} // namespace

QString UsagePrices::invalidField() const
{
    if (!validPrice(cpuHour))
        return QStringLiteral("cpu_hour");
    if (!validPrice(gpuHour))
        return QStringLiteral("gpu_hour");
    if (!currency.isEmpty()
        && (currency.size() != 3 || !std::all_of(currency.cbegin(), currency.cend(), [](QChar c) {
               return c >= u'A' && c <= u'Z';
           })))
        return QStringLiteral("currency");
    return {};
}

} // namespace ServeDeck
