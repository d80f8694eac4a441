//! The Barnes-Hut quadtree behind t-SNE's repulsive forces for larger point sets (van der Maaten
//! 2014): a cell far enough from a point (side / distance < θ) acts as one point of its total mass
//! at its centre of mass. Built sequentially and walked in a fixed order, so results are exact
//! functions of the positions.

/// Deepest subdivision: points closer than the root's side / 2⁴⁰ share a leaf.
const MAX_DEPTH: usize = 40;

/// One square cell of the tree.
#[derive(Clone, Debug)]
struct Cell {
    center: [f64; 2],
    half_side: f64,
    /// Points inside.
    mass: f64,
    /// Sum of their positions (centre of mass = sum / mass).
    position_sum: [f64; 2],
    /// Index of the first of four children (0: a leaf).
    first_child: usize,
    /// The one point of a leaf that holds exactly one.
    point: Option<usize>,
}

impl Cell {
    fn new(center: [f64; 2], half_side: f64) -> Self {
        Self { center, half_side, mass: 0.0, position_sum: [0.0; 2], first_child: 0, point: None }
    }

    fn quadrant(&self, position: [f64; 2]) -> usize {
        usize::from(position[0] >= self.center[0]) + 2 * usize::from(position[1] >= self.center[1])
    }
}

/// A quadtree over 2-D positions.
pub(super) struct QuadTree {
    cells: Vec<Cell>,
}

impl QuadTree {
    /// Builds the tree of `positions`, inserted in index order.
    pub(super) fn new(positions: &[[f64; 2]]) -> Self {
        let (mut low, mut high) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in positions {
            for axis in 0..2 {
                low[axis] = low[axis].min(p[axis]);
                high[axis] = high[axis].max(p[axis]);
            }
        }
        let center = [(low[0] + high[0]) / 2.0, (low[1] + high[1]) / 2.0];
        let half_side = ((high[0] - low[0]).max(high[1] - low[1]) / 2.0).max(1e-12) * (1.0 + 1e-9);
        let mut tree = Self { cells: vec![Cell::new(center, half_side)] };
        if positions.iter().all(|p| p[0].is_finite() && p[1].is_finite()) {
            for (index, &position) in positions.iter().enumerate() {
                tree.insert(index, position, positions);
            }
        }
        tree
    }

    fn insert(&mut self, index: usize, position: [f64; 2], positions: &[[f64; 2]]) {
        let mut cell = 0;
        for depth in 0..=MAX_DEPTH {
            let node = &mut self.cells[cell];
            node.mass += 1.0;
            node.position_sum[0] += position[0];
            node.position_sum[1] += position[1];
            if node.first_child == 0 {
                if node.mass == 1.0 {
                    node.point = Some(index);
                    return;
                }
                if depth == MAX_DEPTH {
                    node.point = None;
                    return;
                }
                // Split the leaf and move its one point down.
                let resident = node.point.take();
                self.split(cell);
                if let Some(resident) = resident {
                    let child = self.cells[cell].first_child + self.cells[cell].quadrant(positions[resident]);
                    let moved = &mut self.cells[child];
                    moved.mass = 1.0;
                    moved.position_sum = positions[resident];
                    moved.point = Some(resident);
                }
            }
            cell = self.cells[cell].first_child + self.cells[cell].quadrant(position);
        }
    }

    fn split(&mut self, cell: usize) {
        let (center, half) = (self.cells[cell].center, self.cells[cell].half_side / 2.0);
        self.cells[cell].first_child = self.cells.len();
        for quadrant in 0..4 {
            let dx = if quadrant & 1 == 1 { half } else { -half };
            let dy = if quadrant & 2 == 2 { half } else { -half };
            self.cells.push(Cell::new([center[0] + dx, center[1] + dy], half));
        }
    }

    /// For the point `index` at `position`: (Σⱼ qᵢⱼ', Σⱼ qᵢⱼ'² (yᵢ − yⱼ)) over every other point,
    /// with qᵢⱼ' = (1 + ‖yᵢ − yⱼ‖²)⁻¹ and far cells taken whole when side / distance < `theta`.
    pub(super) fn repulsion(&self, index: usize, position: [f64; 2], theta: f64) -> (f64, [f64; 2]) {
        let (mut z, mut force) = (0.0f64, [0.0f64; 2]);
        let mut stack = vec![0usize];
        while let Some(cell) = stack.pop() {
            let node = &self.cells[cell];
            if node.mass == 0.0 || node.point == Some(index) {
                continue;
            }
            let com = [node.position_sum[0] / node.mass, node.position_sum[1] / node.mass];
            let (dx, dy) = (position[0] - com[0], position[1] - com[1]);
            let squared = dx * dx + dy * dy;
            let is_leaf = node.first_child == 0;
            if is_leaf || 2.0 * node.half_side < theta * squared.sqrt() {
                let kernel = 1.0 / (1.0 + squared);
                z += node.mass * kernel;
                force[0] += node.mass * kernel * kernel * dx;
                force[1] += node.mass * kernel * kernel * dy;
            } else {
                stack.extend((0..4).map(|quadrant| node.first_child + quadrant));
            }
        }
        (z, force)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(index: usize, positions: &[[f64; 2]]) -> (f64, [f64; 2]) {
        let (mut z, mut force) = (0.0, [0.0; 2]);
        for (j, p) in positions.iter().enumerate().filter(|&(j, _)| j != index) {
            let (dx, dy) = (positions[index][0] - p[0], positions[index][1] - p[1]);
            let kernel = 1.0 / (1.0 + dx * dx + dy * dy);
            z += kernel;
            force[0] += kernel * kernel * dx;
            force[1] += kernel * kernel * dy;
            let _ = j;
        }
        (z, force)
    }

    fn scattered(count: usize) -> Vec<[f64; 2]> {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 * 40.0 - 20.0
        };
        (0..count).map(|_| [next(), next()]).collect()
    }

    #[test]
    fn theta_zero_is_exact_and_half_is_close() {
        let positions = scattered(500);
        let tree = QuadTree::new(&positions);
        for index in [0, 17, 499] {
            let (z, force) = exact(index, &positions);
            let (tree_z, tree_force) = tree.repulsion(index, positions[index], 0.0);
            assert!((z - tree_z).abs() < 1e-9 * z, "{z} {tree_z}");
            assert!((force[0] - tree_force[0]).abs() < 1e-9 && (force[1] - tree_force[1]).abs() < 1e-9);
            let (approx_z, approx_force) = tree.repulsion(index, positions[index], 0.5);
            assert!((z - approx_z).abs() < 0.02 * z, "Z {z} vs {approx_z}");
            let norm = force[0].hypot(force[1]);
            let error = (force[0] - approx_force[0]).hypot(force[1] - approx_force[1]);
            assert!(error < 0.05 * norm + 1e-9, "force {force:?} vs {approx_force:?}");
        }
    }

    #[test]
    fn duplicate_points_do_not_recurse_forever() {
        let positions = vec![[1.0, 1.0]; 10];
        let tree = QuadTree::new(&positions);
        let (z, _) = tree.repulsion(0, positions[0], 0.5);
        assert!(z.is_finite() && z > 0.0);
    }
}
