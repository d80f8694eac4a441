//! How the Winograd transforms cut maps into tiles (`Tiles`: m×m output tiles, each read through
//! the (m + 2)×(m + 2) input tile around it, worked a band of tile rows at a time) and the buffers
//! they reuse (`TileScratch`: padded maps kept as their m phases, the columns p with p mod m = j
//! for phase j, so that tile t of a row reads column t and t + 1 of every phase as whole vectors).

/// How maps of `side` [height, width] are cut into `size`×`size` output tiles (the last ones cut
/// off where the side is not a multiple), each read through the input tile around it, zero-padded
/// by 1; and which band of tile rows the map transforms work on (all of them unless
/// [`Tiles::band`] narrows it, so that a band's transformed values stay in the core's cache).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tiles {
    /// [height, width] of the maps.
    pub side: [usize; 2],
    /// The side of an output tile: m of F(m×m, 3×3).
    pub size: usize,
    /// Tiles [down, across].
    pub count: [usize; 2],
    /// The tile rows worked on: [first, end).
    pub rows: [usize; 2],
}

impl Tiles {
    /// The `size`×`size` tiles of maps of `side`, every row of them.
    pub fn of(side: [usize; 2], size: usize) -> Self {
        let size = size.max(1);
        let count = side.map(|length| length.div_ceil(size));
        Self { side, size, count, rows: [0, count[0]] }
    }

    /// Only tile rows `first..end`.
    pub fn band(self, first: usize, end: usize) -> Self {
        Self { rows: [first, end.min(self.count[0])], ..self }
    }

    /// Tiles of one map in the band.
    pub fn per_map(&self) -> usize {
        (self.rows[1] - self.rows[0]) * self.count[1]
    }

    /// Values of one map.
    pub fn map_values(&self) -> usize {
        self.side[0] * self.side[1]
    }

    /// Positions of a transformed tile: (m + 2)², one matrix product each.
    pub fn positions(&self) -> usize {
        (self.size + 2) * (self.size + 2)
    }

    /// Columns of one phase of a padded row: one more than the tiles across.
    pub(super) fn phase_width(&self) -> usize {
        self.count[1] + 1
    }

    /// Values of one phase of a padded map: padded by 1 and up to whole tiles.
    pub(super) fn phase_plane(&self) -> usize {
        (self.size * self.count[0] + 2) * self.phase_width()
    }

    /// Where map `map_index`'s band of tiles sits in a [positions][channels][columns] buffer of
    /// `len` values: the stride from one position's matrix to the next, and the band's first
    /// column.
    pub(super) fn columns_of(&self, len: usize, channels: usize, map_index: usize) -> (usize, usize) {
        let channels = channels.max(1);
        let columns = len / (self.positions() * channels);
        (channels * columns, (map_index % channels) * columns + (map_index / channels) * self.per_map())
    }

    /// The column of tile row `tile_row` (in the band) of a map whose band starts at `first`.
    pub(super) fn row_start(&self, first: usize, tile_row: usize) -> usize {
        first + (tile_row - self.rows[0]) * self.count[1]
    }
}

/// Padded maps kept as their phases apart (each [maps][padded rows][phase width]; padded column
/// p is map column p − 1, and sits in phase p mod m at column p / m).
#[derive(Default)]
pub(super) struct PhasePlanes {
    phases: Vec<Vec<f32>>,
}

impl PhasePlanes {
    /// Room for `maps` maps of `tiles` in each of the m phases (what they held stays).
    fn sized(&mut self, maps: usize, tiles: Tiles) {
        let len = maps * tiles.phase_plane();
        self.phases.resize_with(tiles.size, Vec::new);
        for phase in &mut self.phases {
            if phase.len() < len {
                phase.resize(len, 0.0);
            }
        }
    }

    /// The M phases, to read.
    pub(super) fn phases<const M: usize>(&self) -> [&[f32]; M] {
        std::array::from_fn(|phase| self.phases.get(phase).map_or(&[][..], Vec::as_slice))
    }

    /// The M phases, to write.
    pub(super) fn phases_mut<const M: usize>(&mut self) -> [&mut [f32]; M] {
        let mut phases = self.phases.iter_mut();
        std::array::from_fn(|_| phases.next().map_or(&mut [][..], Vec::as_mut_slice))
    }

    /// `map` ([height, width]) laid into plane 0, with zeros around it: only the padded rows
    /// the band's tiles read. M is the tiles' size.
    #[inline(always)]
    pub(super) fn fill_band<const M: usize>(&mut self, map: &[f32], tiles: Tiles) {
        self.sized(1, tiles);
        let (width, phase_width) = (tiles.side[1], tiles.phase_width());
        let mut phases = self.phases_mut::<M>();
        for padded_row in M * tiles.rows[0]..M * tiles.rows[1] + 2 {
            let start = padded_row * phase_width;
            let mut rows = phases.each_mut().map(|phase| &mut phase[start..start + phase_width]);
            rows.iter_mut().for_each(|row| row.fill(0.0));
            let Some(values) = padded_row.checked_sub(1).and_then(|row| map.chunks_exact(width.max(1)).nth(row)) else {
                continue;
            };
            // Map column M·i + j is padded column M·i + j + 1: phase j + 1 at i, or phase 0 at
            // i + 1 for the last j.
            let (groups, rest) = values.as_chunks::<M>();
            for (i, group) in groups.iter().enumerate() {
                for (j, value) in group.iter().enumerate() {
                    rows[(j + 1) % M][i + (j + 1) / M] = *value;
                }
            }
            for (j, value) in rest.iter().enumerate() {
                rows[(j + 1) % M][groups.len() + (j + 1) / M] = *value;
            }
        }
    }

    /// Plane `plane`'s values inside the padding, written into `map` ([height, width]).
    #[inline(always)]
    fn write_map<const M: usize>(&self, plane: usize, tiles: Tiles, map: &mut [f32]) {
        let (width, phase_width) = (tiles.side[1], tiles.phase_width());
        let first = plane * tiles.phase_plane();
        let phases = self.phases::<M>();
        for (row, values) in map.chunks_exact_mut(width.max(1)).enumerate() {
            let start = first + (row + 1) * phase_width;
            let rows = phases.map(|phase| &phase[start..start + phase_width]);
            let (groups, rest) = values.as_chunks_mut::<M>();
            let full = groups.len();
            for (i, group) in groups.iter_mut().enumerate() {
                for (j, value) in group.iter_mut().enumerate() {
                    *value = rows[(j + 1) % M][i + (j + 1) / M];
                }
            }
            for (j, value) in rest.iter_mut().enumerate() {
                *value = rows[(j + 1) % M][full + (j + 1) / M];
            }
        }
    }
}

/// Buffers the map transforms reuse: the padded map being transformed, the padded maps an input
/// gradient is added up in over the bands, and rows of intermediate values.
#[derive(Default)]
pub struct TileScratch {
    pub(super) input: PhasePlanes,
    pub(super) gradient: PhasePlanes,
    pub(super) rows: Vec<f32>,
}

impl TileScratch {
    /// Zeros for the input gradients of `maps` maps of `tiles`, for the input transform's adjoint
    /// to add into band by band.
    pub fn start_input_gradient(&mut self, maps: usize, tiles: Tiles) {
        self.gradient.phases.iter_mut().for_each(Vec::clear);
        self.gradient.sized(maps, tiles);
    }

    /// The input gradients added up since [`Self::start_input_gradient`], written into `maps`
    /// ([images, channels, height, width]). M is the tiles' size.
    pub fn finish_input_gradient<const M: usize>(&self, tiles: Tiles, maps: &mut [f32]) {
        for (plane, map) in maps.chunks_exact_mut(tiles.map_values().max(1)).enumerate() {
            self.gradient.write_map::<M>(plane, tiles, map);
        }
    }
}
