/**
 * A deterministic simulation of a whole floatd cluster (STYLE.md item 13, after FoundationDB's simulator and
 * TigerBeetle's VOPR): the real {@link io.floatd.vrrp.fsm.VrrpStateMachine} and
 * {@link io.floatd.vrrp.takeover.TakeoverMachine} of every node, wired as the production drivers wire them, run in one
 * thread on simulated time against a simulated network ({@link io.floatd.testing.sim.SimNetwork}) and a simulated
 * cloud ({@link io.floatd.testing.sim.SimCloud}: EC2, DigitalOcean or Linux VIPs), while a seeded
 * {@link io.floatd.testing.sim.ScenarioGenerator} injects partitions, loss, API faults and node events, and
 * {@link io.floatd.testing.sim.Invariants} are checked after every step. One seed is one run:
 * {@code new Simulation(seed, options).run()} replays it exactly, and a failure names its seed and step.
 */
package io.floatd.testing.sim;
