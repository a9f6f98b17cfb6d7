//! NumPy's `np.random.default_rng(seed)` stream, as far as a bootstrap needs it: the seed
//! through `SeedSequence`, the `PCG64` generator, and `Generator.integers(0, n)`'s draw
//! (Lemire's bounded method on 32-bit words). MLflow's `compare_evaluations` resamples with
//! `default_rng(0)`; drawing the same indices is what makes Podium's intervals MLflow's to the
//! digit. Each step follows NumPy's published C and Cython (`bit_generator.pyx`, `pcg64.h`,
//! `distributions.c`); `tests/policy_numpy_random.rs` checks the draws against NumPy's own.

/// `SeedSequence`'s hash constants (NumPy's `bit_generator.pyx`, after M. E. O'Neill's
/// `seed_seq_fe`).
const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const XSHIFT: u32 = 16;
const POOL_SIZE: usize = 4;

/// PCG's default 128-bit multiplier (`PCG_DEFAULT_MULTIPLIER_128`).
const MULTIPLIER: u128 = 0x2360_ed05_1fc6_5da4_4385_df64_9fcc_f645;

fn hashmix(value: u32, hash_const: &mut u32) -> u32 {
    let mut value = value ^ *hash_const;
    *hash_const = hash_const.wrapping_mul(MULT_A);
    value = value.wrapping_mul(*hash_const);
    value ^ (value >> XSHIFT)
}

fn mix(x: u32, y: u32) -> u32 {
    let result = MIX_MULT_L
        .wrapping_mul(x)
        .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
    result ^ (result >> XSHIFT)
}

/// `SeedSequence(seed).generate_state(4, np.uint64)`: the words PCG64 is seeded from.
fn seed_words(seed: u64) -> [u64; 4] {
    // The seed as 32-bit words, least significant first (0 is one word, 0).
    let entropy: Vec<u32> = if seed >> 32 == 0 {
        vec![seed as u32]
    } else {
        vec![seed as u32, (seed >> 32) as u32]
    };
    let mut hash_const = INIT_A;
    let mut pool = [0u32; POOL_SIZE];
    for (i, word) in pool.iter_mut().enumerate() {
        *word = hashmix(entropy.get(i).copied().unwrap_or(0), &mut hash_const);
    }
    for src in 0..POOL_SIZE {
        for dst in 0..POOL_SIZE {
            if src != dst {
                pool[dst] = mix(pool[dst], hashmix(pool[src], &mut hash_const));
            }
        }
    }
    // generate_state: eight 32-bit words cycling through the pool, read as four little-endian
    // 64-bit ones.
    let mut hash_const = INIT_B;
    let mut words = [0u32; 8];
    for (i, word) in words.iter_mut().enumerate() {
        let mut value = pool[i % POOL_SIZE] ^ hash_const;
        hash_const = hash_const.wrapping_mul(MULT_B);
        value = value.wrapping_mul(hash_const);
        *word = value ^ (value >> XSHIFT);
    }
    std::array::from_fn(|i| u64::from(words[2 * i]) | u64::from(words[2 * i + 1]) << 32)
}

/// `np.random.default_rng(seed)`: PCG64 (XSL-RR 128/64) with NumPy's 32-bit buffer.
pub struct DefaultRng {
    state: u128,
    increment: u128,
    /// The upper half of the last 64-bit output, not handed out yet (`has_uint32`).
    buffered: Option<u32>,
}

impl DefaultRng {
    /// The generator `np.random.default_rng(seed)` makes.
    pub fn new(seed: u64) -> Self {
        let words = seed_words(seed);
        let initial = u128::from(words[0]) << 64 | u128::from(words[1]);
        let sequence = u128::from(words[2]) << 64 | u128::from(words[3]);
        // pcg_setseq_128_srandom_r
        let mut rng = DefaultRng {
            state: 0,
            increment: sequence << 1 | 1,
            buffered: None,
        };
        rng.step();
        rng.state = rng.state.wrapping_add(initial);
        rng.step();
        rng
    }

    fn step(&mut self) {
        self.state = self
            .state
            .wrapping_mul(MULTIPLIER)
            .wrapping_add(self.increment);
    }

    /// The next 64-bit output (`pcg64_next64`): step, then XSL-RR of the new state.
    pub fn next_u64(&mut self) -> u64 {
        self.step();
        let folded = (self.state >> 64) as u64 ^ self.state as u64;
        folded.rotate_right((self.state >> 122) as u32)
    }

    /// The next 32-bit output (`pcg64_next32`): the low half of a fresh 64-bit output, then
    /// its high half.
    pub fn next_u32(&mut self) -> u32 {
        if let Some(high) = self.buffered.take() {
            return high;
        }
        let next = self.next_u64();
        self.buffered = Some((next >> 32) as u32);
        next as u32
    }

    /// One draw of `Generator.integers(0, n)` (int64), for `2 ≤ n ≤ 2³²`: Lemire's
    /// multiply-and-reject on 32-bit words (`buffered_bounded_lemire_uint32`).
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!((2..=1 << 32).contains(&(n as u64)));
        if n as u64 == 1 << 32 {
            return self.next_u32() as usize;
        }
        let range = n as u64;
        let mut m = u64::from(self.next_u32()) * range;
        let mut leftover = m as u32;
        if u64::from(leftover) < range {
            // 2³² mod n: the draws below it would make some results likelier.
            let threshold = ((1u64 << 32) % range) as u32;
            while leftover < threshold {
                m = u64::from(self.next_u32()) * range;
                leftover = m as u32;
            }
        }
        (m >> 32) as usize
    }
}
