#pragma once

#include <utility>
#include <variant>

#include "serviceerror.h"

namespace ServeDeck {

// A value or a typed error; every service call returns one (errors are values).
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
    Result(ServiceError error) : m_data(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<0>(m_data); }
    T &value() & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }
    const T &operator*() const { return value(); }

    const ServiceError &error() const { return std::get<1>(m_data); }

private:
    std::variant<T, ServiceError> m_data;
};

struct Done
{
};

inline ServiceError makeError(ErrorType type, QString message, QJsonObject details = {})
{
    return ServiceError{type, std::move(message), std::move(details)};
}

} // namespace ServeDeck
