//! Choosing the compute device: burn's wgpu device on a real GPU, else the pure-Rust CPU device.

mod quiet_stderr;

pub use quiet_stderr::{StderrSilenced, silence_stderr};

use std::panic::{AssertUnwindSafe, catch_unwind};

use burn::prelude::Device;
use burn::tensor::wgpu::wgpu::DeviceType;
use serde::{Deserialize, Serialize};

/// What the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DeviceChoice {
    /// The GPU when a hardware adapter exists, else the CPU.
    #[default]
    Auto,
    /// burn's wgpu device, software adapters included.
    Gpu,
    /// burn's pure-Rust CPU device (Flex).
    Cpu,
}

impl DeviceChoice {
    /// Every choice, in the order the UI lists them.
    pub const ALL: [Self; 3] = [Self::Auto, Self::Gpu, Self::Cpu];

    /// Short lowercase name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Gpu => "gpu",
            Self::Cpu => "cpu",
        }
    }
}

/// The device in use, described for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// E.g. "GPU: NVIDIA GeForce RTX 3060 (Vulkan)" or "CPU (burn Flex)".
    pub name: String,
    /// True for the wgpu device.
    pub is_gpu: bool,
    /// Why `auto` did not pick the GPU, when it did not.
    pub fallback_reason: Option<String>,
}

/// The outcome of initialising burn's wgpu runtime, which may happen only once per process.
struct WgpuAdapter {
    device: Device,
    name: String,
    is_software: bool,
}

/// Hands out devices, initialising burn's wgpu runtime at most once per process.
#[derive(Default)]
pub struct DevicePicker {
    wgpu: Option<Result<WgpuAdapter, String>>,
    /// True for headless commands, whose refusals name the `--device` flag. (What the GPU drivers
    /// print to stderr while wgpu looks for an adapter is never shown: see `quiet_stderr.rs`.)
    headless: bool,
}

impl DevicePicker {
    /// A picker for a headless command.
    pub fn headless() -> Self {
        Self { wgpu: None, headless: true }
    }

    /// The device for `choice`, or why the GPU cannot be had.
    pub fn pick(&mut self, choice: DeviceChoice) -> Result<(Device, DeviceInfo), String> {
        let headless = self.headless;
        match choice {
            DeviceChoice::Cpu => Ok(cpu(None)),
            DeviceChoice::Gpu => match self.wgpu() {
                Ok(adapter) => Ok(gpu(adapter)),
                Err(reason) if headless => Err(format!("no GPU device: {reason}; use --device cpu or auto")),
                Err(reason) => Err(format!("no GPU device: {reason}; use the cpu device instead")),
            },
            DeviceChoice::Auto => match self.wgpu() {
                Ok(adapter) if !adapter.is_software => Ok(gpu(adapter)),
                Ok(adapter) => {
                    Ok(cpu(Some(format!("only a software GPU adapter ({}), slower than the CPU device", adapter.name))))
                }
                Err(reason) => Ok(cpu(Some(reason))),
            },
        }
    }

    /// The wgpu adapter's name and whether it is a software one (Mesa's lavapipe/llvmpipe), once
    /// the GPU has been asked for; `None` before that or when there is none.
    pub fn gpu_adapter(&self) -> Option<(&str, bool)> {
        let adapter = self.wgpu.as_ref()?.as_ref().ok()?;
        Some((adapter.name.as_str(), adapter.is_software))
    }

    fn wgpu(&mut self) -> Result<&WgpuAdapter, String> {
        // What the probe found is said by the caller (the status bar, or the command's line).
        self.wgpu.get_or_insert_with(|| quiet_stderr::without_stderr(init_wgpu)).as_ref().map_err(Clone::clone)
    }
}

/// True for burn's CPU device (autodiff or not), whose tensors live in host memory.
pub fn is_host_device(device: &Device) -> bool {
    device.clone().inner() == Device::flex()
}

fn cpu(fallback_reason: Option<String>) -> (Device, DeviceInfo) {
    let info = DeviceInfo { name: "CPU (burn Flex)".to_string(), is_gpu: false, fallback_reason };
    (Device::flex(), info)
}

fn gpu(adapter: &WgpuAdapter) -> (Device, DeviceInfo) {
    let info = DeviceInfo { name: format!("GPU: {}", adapter.name), is_gpu: true, fallback_reason: None };
    (adapter.device.clone(), info)
}

fn init_wgpu() -> Result<WgpuAdapter, String> {
    let initialised = catch_unwind(AssertUnwindSafe(|| Device::wgpu_options().init_with_setup()));
    match initialised {
        Ok(Ok((device, setup))) => {
            let info = setup.adapter.get_info();
            Ok(WgpuAdapter {
                device,
                name: format!("{} ({:?})", info.name, info.backend),
                is_software: info.device_type == DeviceType::Cpu,
            })
        }
        Ok(Err(error)) => Err(format!("no usable GPU adapter ({error})")),
        Err(_) => Err("the GPU runtime failed to start".to_string()),
    }
}
