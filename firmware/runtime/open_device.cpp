// Backend selection of the device API: the functional model and every Verilated configuration.
#include <fmt/format.h>

#include "device/device.h"

namespace tasu::model {
std::unique_ptr<rt::Device> make_model_device(const arch::Config& cfg, const rt::DeviceOptions& opt);
}

namespace tasu::rt {

// One factory per Verilated configuration, listed by the build (rtl_configs.inc).
#define TASU_RTL_CONFIG(cfg) std::unique_ptr<Device> make_rtl_device_##cfg(const DeviceOptions&);
#include "rtl_configs.inc"
#undef TASU_RTL_CONFIG

std::vector<std::string> backends() { return {"rtl", "model"}; }

std::unique_ptr<Device> open_device(const std::string& backend, const std::string& config, const DeviceOptions& opt) {
  const arch::Config* cfg = arch::find_config(config);
  if (cfg == nullptr) {
    std::string names;
    for (const auto& c : arch::kConfigs) names += (names.empty() ? "" : ", ") + std::string(c.name);
    throw std::invalid_argument(fmt::format("unknown configuration '{}' (known: {})", config, names));
  }
  if (backend == "model") return model::make_model_device(*cfg, opt);
  if (backend == "rtl") {
#define TASU_RTL_CONFIG(c) \
  if (config == #c) return make_rtl_device_##c(opt);
#include "rtl_configs.inc"
#undef TASU_RTL_CONFIG
    throw std::invalid_argument(fmt::format("configuration '{}' has no Verilated model in this build", config));
  }
  throw std::invalid_argument(fmt::format("unknown backend '{}' (known: rtl, model)", backend));
}

}  // namespace tasu::rt
