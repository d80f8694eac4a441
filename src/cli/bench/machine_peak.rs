//! The machine's nominal single-precision peak, the yardstick the training benchmark divides by.

use std::time::Instant;

use burn::prelude::*;

/// Nominal f32 peak: cores × FLOPs per cycle × clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MachinePeak {
    /// Cores the process may use.
    pub cores: usize,
    /// f32 FLOPs one core retires per cycle: two FMA units × vector lanes × 2.
    pub flops_per_cycle: usize,
    /// Widest vector unit found, for the printout.
    pub vector_unit: &'static str,
    /// Clock in GHz, as the kernel reports it (the base clock on most VMs; turbo may exceed it).
    pub ghz: f64,
}

impl MachinePeak {
    /// GFLOP/s at the nominal peak.
    pub fn gflops(&self) -> f64 {
        self.cores as f64 * self.flops_per_cycle as f64 * self.ghz
    }

    /// The peak of this machine, or `None` when its clock cannot be read (then pass `--peak-gflops`).
    pub fn detect() -> Option<Self> {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok()?;
        let ghz = clock_ghz(&cpuinfo)?;
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let (vector_unit, flops_per_cycle) = vector_unit(full_width_avx512(&cpuinfo));
        Some(Self { cores, flops_per_cycle, vector_unit, ghz })
    }
}

/// The first `cpu MHz` line of /proc/cpuinfo, in GHz.
fn clock_ghz(cpuinfo: &str) -> Option<f64> {
    let line = cpuinfo.lines().find(|line| line.starts_with("cpu MHz"))?;
    let mhz: f64 = line.split(':').nth(1)?.trim().parse().ok()?;
    (mhz > 0.0).then_some(mhz / 1000.0)
}

/// Whether AVX-512 runs at full width: AMD's Zen 4 (family 25) splits each 512-bit operation in two
/// halves, so it retires no more FLOPs per cycle than AVX2; Intel's cores and Zen 5 do not.
fn full_width_avx512(cpuinfo: &str) -> bool {
    let field = |name: &str| {
        cpuinfo
            .lines()
            .find(|line| line.split(':').next().is_some_and(|key| key.trim() == name))
            .and_then(|line| line.split(':').nth(1))
            .map(str::trim)
    };
    !(field("vendor_id") == Some("AuthenticAMD") && field("cpu family") == Some("25"))
}

/// Name of the widest FMA unit and the f32 FLOPs per cycle of one core with two of them.
fn vector_unit(full_width_avx512: bool) -> (&'static str, usize) {
    #[cfg(target_arch = "x86_64")]
    {
        if full_width_avx512 && std::arch::is_x86_feature_detected!("avx512f") {
            return ("AVX-512", 2 * 16 * 2);
        }
        if std::arch::is_x86_feature_detected!("fma") {
            return ("AVX2 FMA", 2 * 8 * 2);
        }
        ("scalar", 2)
    }
    #[cfg(target_arch = "aarch64")]
    {
        let _ = full_width_avx512;
        ("NEON", 2 * 4 * 2)
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        let _ = full_width_avx512;
        ("scalar", 2)
    }
}

/// GFLOP/s of the best of a few 1024³ matrix products on `device`: what burn's matmul reaches
/// on a shape that suits it, a ceiling for the smaller products of a training step.
///
/// A GPU queues work and returns at once, so each product is timed until the device has finished
/// it: the clock stops only after the sum of the product (which needs every element) is read back
/// and the device is synchronised. The sum is checked (all-ones factors give exactly 1024³), so a
/// product that did not run, or ran wrong, is reported as an error rather than as a speed.
pub fn matmul_ceiling_gflops(device: &Device) -> Result<f64, String> {
    const SIDE: usize = 1024;
    let lhs = Tensor::<2>::ones([SIDE, SIDE], device);
    let rhs = Tensor::<2>::ones([SIDE, SIDE], device);
    // The factors are made before the clock starts.
    device.sync().map_err(|error| format!("the device failed: {error}"))?;
    let expected = (SIDE * SIDE * SIDE) as f64;
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let started = Instant::now();
        let product = lhs.clone().matmul(rhs.clone());
        let total: f32 =
            product.sum().try_into_scalar().map_err(|error| format!("cannot read the product: {error}"))?;
        device.sync().map_err(|error| format!("the device failed: {error}"))?;
        best = best.min(started.elapsed().as_secs_f64());
        if f64::from(total) != expected {
            return Err(format!("the 1024³ product came back wrong (sum {total}, not {expected})"));
        }
    }
    Ok(2.0 * expected / best.max(1e-12) / 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_comes_from_the_first_cpu_mhz_line() {
        let cpuinfo = "processor\t: 0\nmodel name\t: Some CPU\ncpu MHz\t\t: 2299.998\ncpu MHz\t\t: 1200.0\n";
        assert_eq!(clock_ghz(cpuinfo), Some(2.299998));
        assert_eq!(clock_ghz("processor\t: 0\n"), None);
        assert_eq!(clock_ghz("cpu MHz\t: fast\n"), None);
    }

    #[test]
    fn zen_4_counts_its_avx_512_as_half_width() {
        let zen_4 = "vendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n";
        let zen_5 = "vendor_id\t: AuthenticAMD\ncpu family\t: 26\n";
        let intel = "vendor_id\t: GenuineIntel\ncpu family\t: 6\n";
        assert!(!full_width_avx512(zen_4));
        assert!(full_width_avx512(zen_5));
        assert!(full_width_avx512(intel));
    }

    #[test]
    fn the_matmul_ceiling_is_a_finite_rate_once_the_product_checks_out() {
        // Ones times ones sums to exactly 1024³, so a product that ran gives a rate, not an error.
        let gflops = matmul_ceiling_gflops(&Device::flex()).expect("the product checks out");
        assert!(gflops.is_finite() && gflops > 0.0, "{gflops}");
    }

    #[test]
    fn peak_multiplies_cores_width_and_clock() {
        let peak = MachinePeak { cores: 2, flops_per_cycle: 32, vector_unit: "AVX2 FMA", ghz: 3.0 };
        assert_eq!(peak.gflops(), 192.0);
    }
}
