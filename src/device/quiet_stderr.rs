//! Quiet GPU probing: while wgpu looks for an adapter (for training, or for the window's renderer
//! before its first frame), the process's stderr points at the null device.
//!
//! Why: on Linux, Mesa's implicit Vulkan layer `VK_LAYER_MESA_device_select` calls
//! `wl_display_connect` inside `vkEnumeratePhysicalDevices` whenever the instance enabled
//! `VK_KHR_wayland_surface`, and libwayland prints "error: XDG_RUNTIME_DIR is invalid or not set in
//! the environment." once per enumeration when there is no session. wgpu's safe `Instance::new`
//! always enables every surface extension the loader offers (wgpu-hal's `desired_extensions` has no
//! switch; only the `unsafe` `from_raw` takes another list), and the layer's own off switch is the
//! environment variable `NODEVICE_SELECT=1`, which a process can set for itself only with the
//! `unsafe` `std::env::set_var`. So the probe's stderr is silenced instead; what the probe found is
//! said by the caller (the adapter, or why the CPU is used).

use filedescriptor::{FileDescriptor, StdioDescriptor};

/// Runs `job` with stderr pointed at the null device, and restores stderr afterwards, also when `job`
/// panics. Where stderr cannot be redirected, `job` runs with stderr as it is.
pub fn without_stderr<T>(job: impl FnOnce() -> T) -> T {
    let _restore = Restore(silence());
    job()
}

/// Stderr pointed at the null device until this is dropped (then the original is put back).
#[must_use = "stderr is restored when this is dropped"]
pub struct StderrSilenced {
    _restore: Restore,
}

/// Points stderr at the null device until the returned guard is dropped (for a span that is not
/// one call, e.g. from starting the window until its first frame).
pub fn silence_stderr() -> StderrSilenced {
    StderrSilenced { _restore: Restore(silence()) }
}

/// Points stderr at the null device; the original stderr, to put back.
fn silence() -> Option<FileDescriptor> {
    let null = std::fs::OpenOptions::new().write(true).open(null_device()).ok()?;
    FileDescriptor::redirect_stdio(&null, StdioDescriptor::Stderr).ok()
}

fn null_device() -> &'static str {
    if cfg!(windows) { "NUL" } else { "/dev/null" }
}

/// Puts the original stderr back when dropped.
struct Restore(Option<FileDescriptor>);

impl Drop for Restore {
    fn drop(&mut self) {
        if let Some(original) = self.0.take() {
            let _ignored = FileDescriptor::redirect_stdio(&original, StdioDescriptor::Stderr);
        }
    }
}
