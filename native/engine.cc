// Node binding of the native training engine (contract: src/trainer/native/types.ts).
// Plain N-API, no node-addon-api: `createTrainer(spec)` returns a NativeTrainer instance whose
// methods run synchronously on the calling thread plus the trainer's own worker threads.
#define NAPI_VERSION 8
#include <node_api.h>

#include <cstdlib>
#include <string>
#include <thread>
#include <tuple>
#include "trainer.h"

#ifndef DISTILLERY_FLAGS
#define DISTILLERY_FLAGS "?"
#endif

namespace {

using distillery::Trainer;

struct JsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check(napi_env env, napi_status s, const char* what) {
  if (s == napi_ok) return;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) {
    napi_value e;
    napi_get_and_clear_last_exception(env, &e);  // rethrown as our own message below
  }
  throw JsError(what);
}

napi_value prop(napi_env env, napi_value obj, const char* name) {
  napi_value v;
  check(env, napi_get_named_property(env, obj, name, &v), name);
  return v;
}

bool has(napi_env env, napi_value obj, const char* name) {
  bool h = false;
  check(env, napi_has_named_property(env, obj, name, &h), name);
  if (!h) return false;
  napi_valuetype t;
  check(env, napi_typeof(env, prop(env, obj, name), &t), name);
  return t != napi_undefined && t != napi_null;
}

double num(napi_env env, napi_value v, const std::string& what) {
  napi_valuetype t;
  check(env, napi_typeof(env, v, &t), what.c_str());
  if (t != napi_number) throw JsError(what + " must be a number");
  double d;
  check(env, napi_get_value_double(env, v, &d), what.c_str());
  return d;
}

double numProp(napi_env env, napi_value obj, const char* name, double dflt) {
  return has(env, obj, name) ? num(env, prop(env, obj, name), name) : dflt;
}

int intOf(napi_env env, napi_value v, const std::string& what) {
  const double d = num(env, v, what);
  if (!(d == (double)(int)d)) throw JsError(what + " must be an integer");
  return (int)d;
}

std::string str(napi_env env, napi_value v, const std::string& what) {
  napi_valuetype t;
  check(env, napi_typeof(env, v, &t), what.c_str());
  if (t != napi_string) throw JsError(what + " must be a string");
  size_t n;
  check(env, napi_get_value_string_utf8(env, v, nullptr, 0, &n), what.c_str());
  std::string s(n, '\0');
  check(env, napi_get_value_string_utf8(env, v, &s[0], n + 1, &n), what.c_str());
  return s;
}

std::vector<napi_value> arrayOf(napi_env env, napi_value v, const std::string& what) {
  bool is = false;
  check(env, napi_is_array(env, v, &is), what.c_str());
  if (!is) throw JsError(what + " must be an array");
  uint32_t n;
  check(env, napi_get_array_length(env, v, &n), what.c_str());
  std::vector<napi_value> out(n);
  for (uint32_t i = 0; i < n; i++) check(env, napi_get_element(env, v, i, &out[i]), what.c_str());
  return out;
}

std::pair<int, int> pairOf(napi_env env, napi_value v, const std::string& what) {
  auto a = arrayOf(env, v, what);
  if (a.size() != 2) throw JsError(what + " must be [a, b]");
  return {intOf(env, a[0], what), intOf(env, a[1], what)};
}

template <class T>
struct Typed {
  T* data = nullptr;
  size_t length = 0;
};

template <class T>
Typed<T> typed(napi_env env, napi_value v, napi_typedarray_type want, const std::string& what) {
  bool is = false;
  check(env, napi_is_typedarray(env, v, &is), what.c_str());
  const char* wantName = want == napi_float32_array ? "a Float32Array" : "an Int32Array";
  if (!is) throw JsError(what + " must be " + std::string(wantName));
  napi_typedarray_type type;
  Typed<T> r;
  void* data;
  napi_value ab;
  size_t off;
  check(env, napi_get_typedarray_info(env, v, &type, &r.length, &data, &ab, &off), what.c_str());
  if (type != want) throw JsError(what + " must be " + std::string(wantName));
  r.data = static_cast<T*>(data);
  return r;
}

napi_value newFloat32(napi_env env, const float* src, size_t n, float** dst = nullptr) {
  napi_value ab, ta;
  void* data;
  check(env, napi_create_arraybuffer(env, n * sizeof(float), &data, &ab), "Float32Array");
  if (src && n) std::memcpy(data, src, n * sizeof(float));
  check(env, napi_create_typedarray(env, napi_float32_array, n, ab, 0, &ta), "Float32Array");
  if (dst) *dst = static_cast<float*>(data);
  return ta;
}

napi_value number(napi_env env, double d) {
  napi_value v;
  check(env, napi_create_double(env, d, &v), "number");
  return v;
}

void setProp(napi_env env, napi_value obj, const char* name, napi_value v) {
  check(env, napi_set_named_property(env, obj, name, v), name);
}

int spinMicros() {
  const char* s = std::getenv("DISTILLERY_NATIVE_SPIN_US");
  if (!s || !*s) return 50;
  const int v = std::atoi(s);
  return v < 0 ? 0 : v;
}

Trainer* makeTrainer(napi_env env, napi_value spec) {
  std::vector<int> input;
  for (napi_value d : arrayOf(env, prop(env, spec, "inputShape"), "inputShape")) input.push_back(intOf(env, d, "inputShape"));
  std::vector<distillery::LayerSpec> layers;
  auto list = arrayOf(env, prop(env, spec, "layers"), "layers");
  for (size_t i = 0; i < list.size(); i++) {
    napi_value l = list[i];
    const std::string where = "layers[" + std::to_string(i) + "]";
    distillery::LayerSpec s;
    s.type = str(env, prop(env, l, "type"), where + ".type");
    auto activation = [&]() {
      if (!has(env, l, "activation")) return false;
      const std::string a = str(env, prop(env, l, "activation"), where + ".activation");
      if (a != "relu" && a != "linear") throw JsError(where + ": activation must be relu or linear, got " + a);
      return a == "relu";
    };
    auto padding = [&]() {
      if (!has(env, l, "padding")) return false;
      const std::string p = str(env, prop(env, l, "padding"), where + ".padding");
      if (p != "valid" && p != "same") throw JsError(where + ": padding must be valid or same, got " + p);
      return p == "same";
    };
    auto useBias = [&]() {
      if (!has(env, l, "useBias")) return true;
      bool b;
      check(env, napi_get_value_bool(env, prop(env, l, "useBias"), &b), "useBias must be a boolean");
      return b;
    };
    if (s.type == "dense") {
      s.units = intOf(env, prop(env, l, "units"), where + ".units");
      s.relu = activation();
      s.useBias = useBias();
    } else if (s.type == "conv2d") {
      s.filters = intOf(env, prop(env, l, "filters"), where + ".filters");
      std::tie(s.kh, s.kw) = pairOf(env, prop(env, l, "kernel"), where + ".kernel");
      if (has(env, l, "stride")) std::tie(s.sh, s.sw) = pairOf(env, prop(env, l, "stride"), where + ".stride");
      s.same = padding();
      s.relu = activation();
      s.useBias = useBias();
    } else if (s.type == "maxpool2d") {
      std::tie(s.kh, s.kw) = pairOf(env, prop(env, l, "pool"), where + ".pool");
      if (has(env, l, "stride")) std::tie(s.sh, s.sw) = pairOf(env, prop(env, l, "stride"), where + ".stride");
      else { s.sh = s.kh; s.sw = s.kw; }
      s.same = padding();
    } else if (s.type != "flatten") {
      throw JsError(where + ": unknown layer type " + s.type);
    }
    layers.push_back(s);
  }
  int threads = has(env, spec, "threads") ? intOf(env, prop(env, spec, "threads"), "threads") : 1;
  if (threads < 1) throw JsError("threads must be at least 1");
  const double minWork = numProp(env, spec, "minWorkPerThread", 32);
  if (!(minWork >= 0)) throw JsError("minWorkPerThread must be >= 0");
  return new Trainer(input, layers, threads, spinMicros(), minWork * 1e6);
}

// ---- the NativeTrainer class ----

struct Instance {
  napi_ref ctor = nullptr;
};

Trainer* self(napi_env env, napi_callback_info info, size_t want, std::vector<napi_value>& args) {
  size_t argc = want;
  args.assign(want, nullptr);
  napi_value thisArg;
  check(env, napi_get_cb_info(env, info, &argc, want ? args.data() : nullptr, &thisArg, nullptr), "arguments");
  if (argc < want) throw JsError("expected " + std::to_string(want) + " argument(s), got " + std::to_string(argc));
  void* p = nullptr;
  if (napi_unwrap(env, thisArg, &p) != napi_ok || !p) throw JsError("NativeTrainer method called on a disposed trainer (or without its object)");
  return static_cast<Trainer*>(p);
}

template <class F>
napi_value guarded(napi_env env, F f) {
  try {
    return f();
  } catch (const std::exception& e) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_error(env, nullptr, (std::string("native engine: ") + e.what()).c_str());
    return nullptr;
  }
}

void finalize(napi_env, void* data, void*) { delete static_cast<Trainer*>(data); }

napi_value Construct(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    size_t argc = 1;
    napi_value spec, thisArg;
    check(env, napi_get_cb_info(env, info, &argc, &spec, &thisArg, nullptr), "arguments");
    if (argc < 1) throw JsError("createTrainer(spec) needs a spec");
    Trainer* t = makeTrainer(env, spec);
    if (napi_wrap(env, thisArg, t, finalize, nullptr, nullptr) != napi_ok) {
      delete t;
      throw JsError("wrap failed");
    }
    return thisArg;
  });
}

napi_value ParamShapes(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    std::vector<napi_value> a;
    Trainer* t = self(env, info, 0, a);
    napi_value out;
    check(env, napi_create_array_with_length(env, t->params().size(), &out), "array");
    for (size_t i = 0; i < t->params().size(); i++) {
      const auto& shape = t->params()[i].shape;
      napi_value s;
      check(env, napi_create_array_with_length(env, shape.size(), &s), "array");
      for (size_t d = 0; d < shape.size(); d++) check(env, napi_set_element(env, s, d, number(env, shape[d])), "array");
      check(env, napi_set_element(env, out, i, s), "array");
    }
    return out;
  });
}

napi_value SetParams(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    std::vector<napi_value> a;
    Trainer* t = self(env, info, 1, a);
    auto list = arrayOf(env, a[0], "params");
    const auto& ps = t->params();
    if (list.size() != ps.size()) throw JsError("setParams: expected " + std::to_string(ps.size()) + " arrays, got " + std::to_string(list.size()));
    std::vector<const float*> src;
    for (size_t i = 0; i < ps.size(); i++) {
      auto arr = typed<float>(env, list[i], napi_float32_array, "params[" + std::to_string(i) + "]");
      if ((long)arr.length != ps[i].size) throw JsError("setParams: params[" + std::to_string(i) + "] has " + std::to_string(arr.length) + " values, the parameter has " + std::to_string(ps[i].size));
      src.push_back(arr.data);
    }
    t->setParams(src);
    return nullptr;
  });
}

napi_value GetParams(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    std::vector<napi_value> a;
    Trainer* t = self(env, info, 0, a);
    const auto& ps = t->params();
    napi_value out;
    check(env, napi_create_array_with_length(env, ps.size(), &out), "array");
    std::vector<float*> dst(ps.size());
    for (size_t i = 0; i < ps.size(); i++) check(env, napi_set_element(env, out, i, newFloat32(env, nullptr, ps[i].size, &dst[i])), "array");
    t->getParams(dst);
    return out;
  });
}

napi_value SetOptimizer(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    std::vector<napi_value> a;
    Trainer* t = self(env, info, 1, a);
    distillery::Optimizer o;
    const std::string name = str(env, prop(env, a[0], "name"), "optimizer name");
    if (name == "adam" || name == "adamw") {
      o.name = distillery::Optimizer::Adam;
      o.beta1 = numProp(env, a[0], "beta1", 0.9);
      o.beta2 = numProp(env, a[0], "beta2", 0.999);
      o.epsilon = numProp(env, a[0], "epsilon", 1e-7);
      o.weightDecay = numProp(env, a[0], "weightDecay", 0);
    } else if (name == "sgd") {
      o.name = distillery::Optimizer::Sgd;
      o.momentum = numProp(env, a[0], "momentum", 0);
    } else {
      throw JsError("unknown optimizer " + name + " (adam, adamw or sgd)");
    }
    t->setOptimizer(o);
    return nullptr;
  });
}

napi_value GetOptimizerState(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    std::vector<napi_value> a;
    Trainer* t = self(env, info, 0, a);
    const auto& ps = t->params();
    const int k = t->slotCount();
    napi_value out, slots;
    check(env, napi_create_object(env, &out), "object");
    setProp(env, out, "iterations", number(env, (double)t->iterations()));
    check(env, napi_create_array_with_length(env, k * ps.size(), &slots), "array");
    for (int s = 0; s < k; s++)
      for (size_t i = 0; i < ps.size(); i++)
        check(env, napi_set_element(env, slots, s * ps.size() + i, newFloat32(env, t->slot(s, i), ps[i].size)), "array");
    setProp(env, out, "slots", slots);
    return out;
  });
}

napi_value SetOptimizerState(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    std::vector<napi_value> a;
    Trainer* t = self(env, info, 1, a);
    if (t->optimizer().name == distillery::Optimizer::None) throw JsError("setOptimizer before setOptimizerState");
    const double it = num(env, prop(env, a[0], "iterations"), "iterations");
    if (!(it >= 0) || it != (double)(long)it) throw JsError("iterations must be a non-negative integer");
    auto list = arrayOf(env, prop(env, a[0], "slots"), "slots");
    const auto& ps = t->params();
    const size_t want = t->slotCount() * ps.size();
    if (list.size() != want && !list.empty())
      throw JsError("setOptimizerState: expected " + std::to_string(want) + " slot arrays for this optimizer, got " + std::to_string(list.size()));
    std::vector<const float*> src(list.size());
    for (size_t j = 0; j < list.size(); j++) {
      auto arr = typed<float>(env, list[j], napi_float32_array, "slots[" + std::to_string(j) + "]");
      const auto& p = ps[j % ps.size()];
      if ((long)arr.length != p.size) throw JsError("setOptimizerState: slots[" + std::to_string(j) + "] has " + std::to_string(arr.length) + " values, its parameter has " + std::to_string(p.size));
      src[j] = arr.data;
    }
    // All checked: now replace the state (empty slots = fresh moments at that iteration).
    t->setOptimizer(t->optimizer());
    t->setIterations((long)it);
    for (size_t j = 0; j < src.size(); j++)
      std::memcpy(t->slot((int)(j / ps.size()), j % ps.size()), src[j], ps[j % ps.size()].size * sizeof(float));
    return nullptr;
  });
}

napi_value SetData(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    size_t argc = 4;
    napi_value argv[4] = {nullptr, nullptr, nullptr, nullptr};
    napi_value thisArg;
    check(env, napi_get_cb_info(env, info, &argc, argv, &thisArg, nullptr), "arguments");
    std::vector<napi_value> a;
    Trainer* t = self(env, info, 3, a);
    const int n = intOf(env, argv[1], "n");
    if (n < 0) throw JsError("n must be >= 0");
    auto x = typed<float>(env, argv[0], napi_float32_array, "x");
    auto y = typed<int32_t>(env, argv[2], napi_int32_array, "labels");
    if (x.length != (size_t)n * t->inputSize()) throw JsError("setData: x has " + std::to_string(x.length) + " values, expected n × " + std::to_string(t->inputSize()) + " = " + std::to_string((size_t)n * t->inputSize()));
    if (y.length != (size_t)n) throw JsError("setData: labels has " + std::to_string(y.length) + " values, expected " + std::to_string(n));
    const float* teacher = nullptr;
    napi_valuetype tt = napi_undefined;
    if (argc >= 4 && argv[3]) check(env, napi_typeof(env, argv[3], &tt), "teacherLogits");
    if (tt != napi_undefined && tt != napi_null) {
      auto tl = typed<float>(env, argv[3], napi_float32_array, "teacherLogits");
      if (tl.length != (size_t)n * t->classes()) throw JsError("setData: teacherLogits has " + std::to_string(tl.length) + " values, expected n × " + std::to_string(t->classes()));
      teacher = tl.data;
    }
    t->setData(x.data, n, y.data, teacher);
    return nullptr;
  });
}

napi_value Step(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    std::vector<napi_value> a;
    Trainer* t = self(env, info, 3, a);
    auto idx = typed<int32_t>(env, a[0], napi_int32_array, "indices");
    const double lr = num(env, a[1], "lr");
    distillery::Loss loss;
    loss.ceWeight = numProp(env, a[2], "ceWeight", 1);
    loss.kdWeight = numProp(env, a[2], "kdWeight", 0);
    loss.temperature = numProp(env, a[2], "temperature", 1);
    const distillery::StepResult r = t->step(idx.data, (int)idx.length, lr, loss);
    napi_value out;
    check(env, napi_create_object(env, &out), "object");
    setProp(env, out, "total", number(env, r.total));
    setProp(env, out, "ce", number(env, r.ce));
    setProp(env, out, "kd", number(env, r.kd));
    setProp(env, out, "correct", number(env, (double)r.correct));
    return out;
  });
}

napi_value Predict(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    std::vector<napi_value> a;
    Trainer* t = self(env, info, 2, a);
    auto x = typed<float>(env, a[0], napi_float32_array, "x");
    const int n = intOf(env, a[1], "n");
    if (n < 0) throw JsError("n must be >= 0");
    if (x.length < (size_t)n * t->inputSize()) throw JsError("predict: x has " + std::to_string(x.length) + " values, expected n × " + std::to_string(t->inputSize()));
    float* out;
    napi_value result = newFloat32(env, nullptr, (size_t)n * t->classes(), &out);
    t->predict(x.data, n, out);
    return result;
  });
}

napi_value Dispose(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    size_t argc = 0;
    napi_value thisArg;
    check(env, napi_get_cb_info(env, info, &argc, nullptr, &thisArg, nullptr), "arguments");
    void* p = nullptr;
    // Disposing twice is harmless, as tfjs's dispose is.
    if (napi_remove_wrap(env, thisArg, &p) == napi_ok && p) delete static_cast<Trainer*>(p);
    return nullptr;
  });
}

napi_value CreateTrainer(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    size_t argc = 1;
    napi_value spec;
    check(env, napi_get_cb_info(env, info, &argc, &spec, nullptr, nullptr), "arguments");
    if (argc < 1) throw JsError("createTrainer(spec) needs a spec");
    Instance* inst;
    check(env, napi_get_instance_data(env, reinterpret_cast<void**>(&inst)), "instance data");
    napi_value ctor, obj;
    check(env, napi_get_reference_value(env, inst->ctor, &ctor), "constructor");
    if (napi_new_instance(env, ctor, 1, &spec, &obj) != napi_ok) return nullptr;  // its exception is pending
    return obj;
  });
}

napi_value Describe(napi_env env, napi_callback_info) {
  return guarded(env, [&]() -> napi_value {
    std::string s = std::string("distillery native engine: ") +
#if defined(__clang__)
                    "clang " __clang_version__
#elif defined(__GNUC__)
                    "g++ " __VERSION__
#else
                    "unknown compiler"
#endif
                    + ", flags " DISTILLERY_FLAGS + ", " + simd::name + " kernels, " +
                    std::to_string(std::thread::hardware_concurrency()) + " hardware threads";
    napi_value v;
    check(env, napi_create_string_utf8(env, s.c_str(), s.size(), &v), "string");
    return v;
  });
}

void deleteInstance(napi_env env, void* data, void*) {
  Instance* inst = static_cast<Instance*>(data);
  if (inst->ctor) napi_delete_reference(env, inst->ctor);
  delete inst;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_property_descriptor methods[] = {
      {"paramShapes", nullptr, ParamShapes, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setParams", nullptr, SetParams, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"getParams", nullptr, GetParams, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setOptimizer", nullptr, SetOptimizer, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"getOptimizerState", nullptr, GetOptimizerState, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setOptimizerState", nullptr, SetOptimizerState, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setData", nullptr, SetData, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"step", nullptr, Step, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"predict", nullptr, Predict, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"dispose", nullptr, Dispose, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_value cls;
  if (napi_define_class(env, "NativeTrainer", NAPI_AUTO_LENGTH, Construct, nullptr, sizeof(methods) / sizeof(methods[0]), methods, &cls) != napi_ok) return nullptr;
  Instance* inst = new Instance();
  napi_create_reference(env, cls, 1, &inst->ctor);
  napi_set_instance_data(env, inst, deleteInstance, nullptr);
  napi_property_descriptor fns[] = {
      {"createTrainer", nullptr, CreateTrainer, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"describe", nullptr, Describe, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 2, fns);
  return exports;
}
