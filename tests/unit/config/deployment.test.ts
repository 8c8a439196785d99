/** compute.deploymentStrategy: what each environment deploys with, and what validation rejects. */
import {
  type BlueGreenDeploymentConfig,
  loadConfig,
  validateConfig,
  validateDeploymentStrategy,
} from '../../../infra/config/index.js';

const CONTAINER_PORTS = [3000, 5000];
const blueGreen: BlueGreenDeploymentConfig = {
  type: 'blue-green',
  bakeTimeMinutes: 10,
  testListenerPort: 8080,
  hookCallbackDelaySeconds: 30,
};

describe('deployment strategy config', () => {
  it('keeps dev on rolling updates and deploys staging and prod blue/green', () => {
    expect(loadConfig('dev').compute.deploymentStrategy).toEqual({ type: 'rolling' });
    for (const env of ['staging', 'prod']) {
      expect(loadConfig(env).compute.deploymentStrategy).toMatchObject({ type: 'blue-green', testListenerPort: 8080 });
    }
  });

  it('accepts rolling and a sound blue/green', () => {
    expect(validateDeploymentStrategy({ type: 'rolling' }, CONTAINER_PORTS)).toEqual([]);
    expect(validateDeploymentStrategy(blueGreen, CONTAINER_PORTS)).toEqual([]);
  });

  it('reports every problem of a blue/green config, each naming its field', () => {
    // Act
    const problems = validateDeploymentStrategy(
      { type: 'blue-green', bakeTimeMinutes: 1441, testListenerPort: 22, hookCallbackDelaySeconds: 0.5 },
      CONTAINER_PORTS,
    );

    // Assess
    expect(problems).toEqual([
      'compute.deploymentStrategy.bakeTimeMinutes: 1441 is not a whole number of minutes in 0-1440',
      'compute.deploymentStrategy.testListenerPort: 22 is outside 1024-65535 (the public network ACL admits only those besides 80/443)',
      'compute.deploymentStrategy.hookCallbackDelaySeconds: 0.5 is not a whole number in 1-900',
    ]);
  });

  it.each([3000, 5000])('rejects a test listener on container port %i', (port) => {
    expect(validateDeploymentStrategy({ ...blueGreen, testListenerPort: port }, CONTAINER_PORTS)).toEqual([
      `compute.deploymentStrategy.testListenerPort: ${port} is already a listener or container port`,
    ]);
  });

  it('rejects an unknown strategy type', () => {
    const unknown = { type: 'canary' } as unknown as BlueGreenDeploymentConfig;
    expect(validateDeploymentStrategy(unknown, CONTAINER_PORTS)).toEqual([
      "compute.deploymentStrategy.type: 'canary' is not 'rolling' or 'blue-green'",
    ]);
  });

  it('is part of the environment validation', () => {
    const config = loadConfig('prod');
    const broken = {
      ...config,
      compute: { ...config.compute, deploymentStrategy: { ...blueGreen, testListenerPort: 0 } },
    };
    expect(validateConfig(broken)).toContainEqual(
      expect.stringContaining('compute.deploymentStrategy.testListenerPort'),
    );
  });
});
